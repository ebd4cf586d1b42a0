"""数据质量: identity failures (where and by how much), uncertain cells, coverage agency × year."""
import plotly.express as px
import streamlit as st

from app import queries, ui

MAX_HEATMAP_AGENCIES = 60

f = ui.page_header("数据质量", "哪些年报的勾稽关系不成立、差多少？哪些数字读取不确定？哪些年报缺失？", flags=False)
summary = ui.query(queries.q_check_summary, f)
fails = ui.query(queries.q_check_failures, f)
cross = ui.query(queries.q_cross_failures, f)
unc = ui.query(queries.q_uncertain_cells, f)
cov = ui.query(queries.q_coverage, f)
n_missing = int((cov["present"] == 0).sum()) if len(cov) else 0
c = st.columns(4)
c[0].metric("校验未通过（本年报内）", f"{len(fails)} 项", help="年报自身的勾稽关系 I1–I5、I7 未成立的项数")
c[1].metric("跨年校验未通过/提示", f"{len(cross)} 项", help="I6 上年结转 = 上一年结转下年度；I8 现行有效件数（仅提示）")
c[2].metric("读取不确定的单元格", f"{len(unc)} 个")
c[3].metric("缺失的年报（机构×年度）", f"{n_missing} 份",
            help="只计每个机构首份与末份年报之间、且当前数据中有其他机构报送的年度")

st.subheader("勾稽关系未成立")
st.caption("数据保留机构所印的数字；这里说明哪一处、两边各是多少、差多少（差额 = 左边 − 右边）。")
if len(fails):
    ui.table(fails.assign(link=[f"./report?report={r}" for r in fails["report_id"]]).drop(columns=["report_id"]),
             hide_index=True, width="stretch", column_config={
        "link": st.column_config.LinkColumn("报告详情", display_text="打开"),
        "agency_name": "机构", "year": st.column_config.NumberColumn("年度", format="%d"), "source_name": "文件",
        "identity": "规则", "check_id": "校验项", "scope": "位置", "lhs": "左边", "rhs": "右边", "delta": "差额",
        "detail": "说明"})
    ui.downloads(fails, f"校验未通过_{f.file_stem()}", "dq_fail")
else:
    st.success("当前筛选下所有年报内校验均通过或无法评估。")
if len(cross):
    st.subheader("跨年校验")
    ui.table(cross, hide_index=True, width="stretch", column_config={
        "agency_name": "机构", "year": st.column_config.NumberColumn("年度", format="%d"), "identity": "规则",
        "check_id": "校验项", "scope": "位置", "lhs": "左边", "rhs": "右边", "delta": "差额", "status": "状态", "detail": "说明"})
if len(summary):
    with st.expander("各规则的校验结果统计"):
        ui.table(summary.pivot_table(index="identity", columns="status", values="n", aggfunc="sum").reset_index(),
                     hide_index=True)

st.subheader("读取不确定的单元格")
if len(unc):
    ui.table(unc.drop(columns=["report_id"]), hide_index=True, width="stretch", column_config={
        "agency_name": "机构", "year": st.column_config.NumberColumn("年度", format="%d"), "source_name": "文件",
        "cell_key": "单元格", "label_zh": "含义", "value": "读取值", "value_raw": "原文", "uncertain_reason": "原因",
        "method": "读取方式", "page": "页", "source_table": "表", "source_row": "行", "source_col": "列"})
    ui.downloads(unc, f"不确定单元格_{f.file_stem()}", "dq_unc")
else:
    st.caption("没有标记为不确定的单元格。")

st.subheader("版本冲突：同一机构同一年度的两份文件数字不同")
conflicts = ui.query(queries.q_conflicts, f)
if len(conflicts):
    st.caption("两份文件都保留；当前版本按 NOTES.md 中的规则选出（校验失败少者优先，其次读取不确定少者……），与文件名和导入顺序无关。")
    ui.table(conflicts, hide_index=True, width="stretch", column_config={
        "agency_name": "机构", "year": st.column_config.NumberColumn("年度", format="%d"), "chosen_id": "当前版本",
        "chosen_source": "当前文件", "other_id": "历史版本", "other_source": "历史文件",
        "n_cells_differ": "不同的单元格", "rule": "选择依据"})
    ui.downloads(conflicts, f"版本冲突_{f.file_stem()}", "dq_conflict")
else:
    st.caption("没有数字不同的重复文件。")

st.subheader("按时公布（条例第四十九条）")
tl = ui.query(queries.q_report_timeliness, f)
if len(tl):
    ui.timeliness_metrics(tl)
    late = tl[tl["timeliness_status"] == "late"]
    if len(late):
        ui.table(late.drop(columns=["report_id", "timeliness_status"]), hide_index=True, width="stretch")

st.subheader("覆盖情况：机构 × 年度")
if len(cov):
    cov = cov.copy()
    cov["状态"] = ["缺失" if p == 0 else ("有校验问题" if (k or 0) > 0 else ("有不确定单元格" if (u or 0) > 0 else "正常"))
                 for p, k, u in zip(cov["present"], cov["n_checks_failed"], cov["n_uncertain"])]
    code = {"缺失": 0, "有校验问题": 1, "有不确定单元格": 2, "正常": 3}
    cov["code"] = cov["状态"].map(code)
    shown = cov
    n_agencies = cov["agency_name"].nunique()
    if n_agencies > MAX_HEATMAP_AGENCIES:   # one row per agency: 20k rows would be a 500k-pixel chart
        bad = (cov["code"] < 3).groupby(cov["agency_name"]).sum().sort_values(ascending=False, kind="stable")
        keep = set(bad.head(MAX_HEATMAP_AGENCIES).index)
        shown = cov[cov["agency_name"].isin(keep)]
        st.caption(f"共 {n_agencies:,} 个机构；图中只画问题最多的 {MAX_HEATMAP_AGENCIES} 个（缺失、校验问题、不确定单元格），"
                   "全部机构 × 年度见图下的数据表。")
    shown = shown.assign(agency_name=shown["agency_name"].map(ui.plot_text))   # plotly renders HTML
    mat = shown.pivot_table(index="agency_name", columns="year", values="code", aggfunc="max")
    txt = shown.pivot_table(index="agency_name", columns="year", values="状态", aggfunc="first")
    fig = px.imshow(mat, color_continuous_scale=[[0, "#e74c3c"], [0.34, "#f39c12"], [0.67, "#f1c40f"], [1, "#27ae60"]],
                    zmin=0, zmax=3, aspect="auto", labels={"x": "年度", "y": "机构", "color": "状态"})
    fig.update_traces(customdata=txt.values, hovertemplate="%{y} %{x}年：%{customdata}<extra></extra>")
    fig.update_coloraxes(showscale=False)
    fig.update_xaxes(dtick=1, tickformat="d")
    fig.update_layout(title="红 = 缺失，橙 = 有校验问题，黄 = 有不确定单元格，绿 = 正常", height=max(300, 26 * len(mat) + 120))
    ui.chart(fig, cov[["agency_name", "year", "状态", "n_checks_failed", "n_uncertain"]].rename(columns={
        "agency_name": "机构", "year": "年度", "n_checks_failed": "未通过校验数", "n_uncertain": "不确定单元格数"}),
        "覆盖情况", f, "dq_cov")
