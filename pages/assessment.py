"""年报评估: each report scored the way evaluators do, every deduction with its evidence.

Scores come from ``fact_score`` / ``fact_assessment`` (etl/assess.py, rules in data/rubric.toml),
recomputed at every publish.  The deductions table is the 整改清单; its CSV is exactly the table.
"""
import pandas as pd
import streamlit as st

from app import queries, ui

f = ui.page_header("年报评估", "每份年报按评估规则得多少分？每一处扣分的依据（原文句子、表格单元格、另一份年报）在哪里？")
scores = ui.query(queries.q_assessment_scores, f)
if ui.empty_notice(scores):
    st.stop()
rubric = scores["rubric"].dropna().iloc[0] if scores["rubric"].notna().any() else "—"
st.caption(f"评分规则：{rubric}（data/rubric.toml，可用环境变量 GKNB_RUBRIC 指定本单位的规则）。"
           "满分 100，七项指标各有分值，扣分在各指标内累加、以该指标分值为限。")
deductions = ui.query(queries.q_assessment_deductions, f)
agencies = ui.query(queries.q_assessment_agencies, f)
c = st.columns(4)
c[0].metric("评估年报", f"{len(scores)} 份")
c[1].metric("平均得分", ui.fmt_num(scores["score"].mean(), 1))
c[2].metric("扣分项", f"{len(deductions)} 项")
c[3].metric("不参与排名", f"{int(scores['small_sample'].sum())} 份",
            help="有指标无法评估（如只有结构化数字、没有正文）的年报照常显示得分，但不参与排名。")

ind = queries.ASSESS_INDICATORS
st.subheader("各年报得分")
st.caption("下表与“下载得分 CSV”内容相同；有指标无法评估（如只有结构化数字）的年报不参与排名。")
st.dataframe(scores, hide_index=True, width="stretch", column_config={
    "rank": st.column_config.NumberColumn("排名", format="%d"), "agency_name": "机构", "agency_id": "机构编号",
    "year": st.column_config.NumberColumn("年度", format="%d"), "score": st.column_config.NumberColumn("得分", format="%.1f"),
    "max_score": "满分", "province": "省份", "city": "地市", "level": "层级", "kind": "类型", "source_name": "文件",
    "report_id": "年报编号", "rubric": "评分规则", "n_unknown": "无法评估的指标数",
    **{f"lost_{k}": st.column_config.NumberColumn(f"扣分·{zh}", format="%g") for k, zh in ind.items()},
    "small_sample": st.column_config.CheckboxColumn("不排名", help="有指标无法评估"),
    "evidence_url": st.column_config.LinkColumn("扣分依据", display_text="查看依据"),
    "detail_url": st.column_config.LinkColumn("报告详情", display_text="打开")})
ui.csv_download(scores, "下载得分 CSV", f"年报得分_{f.file_stem()}", key="as_scores_csv")

st.subheader("各机构得分")
st.caption(f"机构得分为其各年度年报得分的平均；评估年报少于 {queries.MIN_AGENCY_REPORTS} 份的机构不参与排名。")
st.dataframe(agencies, hide_index=True, width="stretch", column_config={
    "agency_id": None, "rank": st.column_config.NumberColumn("排名", format="%d"), "agency_name": "机构",
    "province": "省份", "city": "地市", "level": "层级", "kind": "类型", "n_reports": "年报数",
    "mean_score": st.column_config.NumberColumn("平均得分", format="%.1f"),
    "min_score": st.column_config.NumberColumn("最低得分", format="%.1f"),
    "first_year": st.column_config.NumberColumn("起", format="%d"), "last_year": st.column_config.NumberColumn("止", format="%d"),
    "small_sample": st.column_config.CheckboxColumn("不排名")})

st.subheader("整改清单（全部扣分项）")
st.caption("每一行是一处扣分：依据是原文句子（导入原文件后才有）、表格单元格或另一份年报。"
           "内置的真实年报只带数字与位置，不带原文；导入原文件后显示原文。")
if len(deductions):
    st.dataframe(deductions, hide_index=True, width="stretch", column_config={
        "agency_name": "机构", "year": st.column_config.NumberColumn("年度", format="%d"), "indicator_zh": "指标",
        "indicator": "指标键", "item": "扣分项", "points_lost": st.column_config.NumberColumn("扣分", format="%g"),
        "message": "说明", "section_key": "部分", "position": "位置（字）", "length": "长度", "quote": "原文",
        "cell_key": "单元格", "cell_value": "表格数", "stated_value": "正文数", "other_report_id": "另一份年报",
        "other_year": st.column_config.NumberColumn("另一份年度", format="%d"), "similarity": "相似度",
        "origin": "来源", "report_id": "年报编号", "source_name": "文件",
        "evidence_url": st.column_config.LinkColumn("依据", display_text="查看依据")})
    ui.csv_download(deductions, "下载整改清单 CSV", f"整改清单_{f.file_stem()}", key="as_deductions_csv")
else:
    st.success("当前筛选下没有扣分项。")

# ----------------------------------------------------------------------------- one report's evidence
st.subheader("一份年报的评估依据")
ids = scores["report_id"].tolist()
rid = st.query_params.get("report")
if rid and rid not in ids:
    ids = [rid] + ids
label = {r: f"{n} · {y}年 · {s:g} 分" for r, n, y, s in zip(scores["report_id"], scores["agency_name"],
                                                            scores["year"], scores["score"])}


def _pick():
    st.query_params["report"] = st.session_state["as_pick"]


rid = rid if rid in ids else ids[0]
st.selectbox("年报", ids, index=ids.index(rid), format_func=lambda r: label.get(r, r), key="as_pick", on_change=_pick)
findings = ui.query(queries.q_report_findings, None, rid)
sections = ui.query(queries.q_report_sections, None, rid)
st.page_link("pages/report.py", label="在“报告详情”中查看这份年报的表格", query_params={"report": rid},
             icon=":material/description:")
if sections.empty:
    st.info("这份年报只有结构化数字（没有正文）：文字指标的结果随数据提供，只有数字与位置；导入原文件后显示原文句子。")
for _, x in findings.iterrows():
    if x["status"] != "fail":
        continue
    with st.container(border=True):
        st.markdown(f"**{ui.md_escape(x['indicator_zh'])} · 扣 {x['points_lost']:g} 分**")
        st.text(x["message"])
        if isinstance(x["quote"], str) and x["quote"]:
            where = f"（第{x['section_key']}部分，第 {int(x['position'])} 字起）" if pd.notna(x["position"]) else ""
            st.caption(f"原文{where}")
            st.text(x["quote"])
        elif pd.notna(x["position"]):
            st.caption(f"位置：{x['section_key']} 部分第 {int(x['position'])} 字起（原文未导入）")
        if isinstance(x["other_report_id"], str) and x["other_report_id"]:
            st.markdown(f"[两份年报并排对照]({queries.text_diff_url(rid, x['other_report_id'], x['section_key'])})")
with st.expander("全部评估结果（含通过和无法评估的项）"):
    st.dataframe(findings, hide_index=True, width="stretch", column_config={
        "indicator": None, "indicator_zh": "指标", "item": "项目", "status": "结果", "points_lost": "扣分",
        "message": "说明", "quote": "原文", "passages": None})

# ----------------------------------------------------------------------------- text search
with st.expander("在年报正文中检索（已导入原文件的年报）"):
    words = st.text_input("检索词", key="as_search", placeholder="例如：信息处理费")
    if words.strip():
        hits = ui.query(queries.q_section_search, f, words.strip())
        if len(hits):
            hits = hits.assign(link="assessment?report=" + hits["report_id"])
            st.dataframe(hits, hide_index=True, width="stretch", column_config={
                "agency_name": "机构", "year": st.column_config.NumberColumn("年度", format="%d"),
                "section_key": "部分", "heading": "标题", "report_id": "年报编号", "position": "位置（字）",
                "link": st.column_config.LinkColumn("评估", display_text="查看")})
        else:
            st.caption("没有找到。内置的真实年报不带正文，导入原文件后才能检索。")
