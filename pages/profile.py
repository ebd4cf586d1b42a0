"""机构画像: one agency over time — its key figures, the change between any two years, every table
across its years, its failed checks, and a link to each report."""
import pandas as pd
import plotly.express as px
import streamlit as st

from app import queries, ui
from app.queries import METRICS, RATES, fmt_rate
from etl import vocab

f = ui.page_header("机构画像", "一个机构历年的年报：主要数字、任意两年的变化、每张表的历年数字和校验问题。", flags=False)
opts = ui.query(queries.q_filter_options, None, f.include_synthetic)
where = opts
for col, val in (("province", f.province), ("city", f.city), ("county", f.county)):
    if val:
        where = where[where[col] == val]
if where.empty:
    where = opts
names = dict(zip(where["agency_id"], where["agency_name"]))
default = f.agencies[0] if len(f.agencies) == 1 and f.agencies[0] in names else \
    where.sort_values(["n_reports", "agency_name"], ascending=[False, True])["agency_id"].iloc[0]
# the agency lives in the URL (?profile=…), like ?report= on 报告详情: written on every run
wanted = st.query_params.get("profile")
if st.session_state.get("profile_pick") not in names:
    st.session_state["profile_pick"] = wanted if wanted in names else default
agency = st.selectbox("机构", list(names), format_func=lambda a: names.get(a, a), key="profile_pick",
                      help="可输入名称搜索；所选机构保存在网址中（?profile=…），可直接分享。")
st.query_params["profile"] = agency
reps = ui.query(queries.q_agency_profile, None, agency)
if ui.empty_notice(reps):
    st.stop()
name = reps["agency_name"].iloc[0]
years = [int(y) for y in reps["year"]]
st.header(ui.md_escape(name))
r0 = reps.iloc[-1]
place = "".join(x for x in (r0["province"], r0["city"], r0["county"]) if isinstance(x, str))
st.caption(ui.md_escape(f"{place or '地区未定'} · {queries.LEVEL_ZH.get(r0['level'], '层级未定')} · "
                        f"{queries.KIND_ZH.get(r0['kind'], '类型未定')} · {len(reps)} 份年报（"
                        f"{'、'.join(str(y) for y in years)}年）"))
missing = [y for y in range(min(years), max(years) + 1) if y not in years]
if missing:
    st.caption(f"{min(years)}–{max(years)}年之间缺少 {'、'.join(map(str, missing))} 年的年报（图中为空档）。")
flagged = reps[(reps["n_checks_failed"] > 0) | (reps["n_uncertain"] > 0)]
if len(flagged):
    st.warning(f"{len(flagged)} 份年报（{'、'.join(str(int(y)) for y in flagged['year'])}年）含校验未通过或读取"
               "不确定的数字；见下方“校验”和各年报详情。", icon=":material/warning:")

st.subheader("各年年报")
_tl = ui.query(queries.q_report_timeliness, queries.Filters(agencies=(agency,),
                                                            include_synthetic=f.include_synthetic))
if len(_tl) and (_tl["timeliness_status"] != "unknown").any():
    st.caption("按时公布：" + "；".join(f"{int(y)}年 {t}" for y, t in zip(_tl["year"], _tl["timeliness"])))
ui.report_links(reps[["report_id", "agency_name", "year", "template", "n_checks_failed", "n_uncertain",
                      "source_name"]].assign(template=lambda d: d["template"].map(queries.TEMPLATE_ZH)),
                key="pf_reports")

st.subheader("主要数字历年走势")
show = ["new_received", "result_total", "granted", "unavailable_not_held", "recon_total", "lit_total"]
long = reps[["year"] + show].melt(id_vars="year", var_name="key", value_name="件数")
long["指标"] = long["key"].map(lambda k: METRICS[k].zh)
long["年度"] = long["year"].astype(str)
long = ui.with_gaps(long[["年度", "指标", "件数"]], by="指标")
fig = px.line(long, x="年度", y="件数", color="指标", markers=True, title=f"{ui.plot_text(name)}：主要数字")
fig.update_traces(hovertemplate="%{x}年 %{fullData.name}：%{y:,.0f} 件<extra></extra>", connectgaps=False)
pf = queries.Filters(agencies=(agency,), include_synthetic=f.include_synthetic, agency_labels=(name,))
ui.chart(fig, long, f"机构画像_{name}", pf, "pf_trend", drill="year")

st.subheader("任意两个年度的变化")
ys = sorted(years, reverse=True)
if len(ys) < 2:
    st.caption("这个机构只有一个年度的年报。")
else:
    c1, c2 = st.columns(2)
    y1 = c1.selectbox("年度", ys, key="pf_to", bind="query-params")
    rest = [y for y in ys if y != y1]
    if st.session_state.get("pf_from") not in rest:
        st.session_state.pop("pf_from", None)
    y0 = c2.selectbox("对比年度", rest, index=rest.index(next((y for y in rest if y < y1), rest[0])),
                      key="pf_from", bind="query-params")
    a = reps.set_index("year").loc[y0]
    b = reps.set_index("year").loc[y1]
    rows = []
    for k, m in METRICS.items():
        ok = queries.comparable(k, a["template"], b["template"])
        va, vb = a[k], b[k]
        rows.append({"指标": m.zh, f"{y0}年": ui.fmt_num(va), f"{y1}年": ui.fmt_num(vb),
                     "变化": ("模板不同，不比较" if not ok else
                            "—" if pd.isna(va) or pd.isna(vb) else f"{vb - va:+,.0f}")})
    for k, r in RATES.items():
        va, vb = queries.report_rate(a, k), queries.report_rate(b, k)
        rows.append({"指标": f"{r.zh}（非官方）", f"{y0}年": fmt_rate(va), f"{y1}年": fmt_rate(vb),
                     "变化": "—" if va is None or vb is None else f"{(vb - va) * 100:+.1f} 个百分点"})
    change = pd.DataFrame(rows)
    ui.table(change, hide_index=True, width="stretch")
    ui.downloads(change, f"机构画像_{name}_{y0}-{y1}年变化", "pf_change")
    if a["template"] != b["template"]:
        st.caption("两个年度使用不同模板（2020→2021 年模板调整）：表二的行政许可、处罚等口径不同，标为“不比较”。")

st.subheader("每张表的历年数字")
cells = ui.query(queries.q_agency_cells, None, agency)
for t in ("t2", "t3", "t4"):
    sub = cells[cells["table_key"] == t]
    if sub.empty:
        continue
    sub = sub.assign(shown=[("—" if pd.isna(v) else f"{v:g}") + ("（不确定）" if u else "")
                            for v, u in zip(sub["value"], sub["uncertain"])])
    wide = sub.pivot_table(index=["cell_key", "label_zh"], columns="year", values="shown", aggfunc="first")
    wide.columns = [f"{int(c)}年" for c in wide.columns]
    wide = wide.reset_index().drop(columns="cell_key").rename(columns={"label_zh": "项目"})
    with st.expander(f"{vocab.TABLE_ZH[t]}（{len(wide)} 项）", expanded=t == "t3"):
        ui.table(wide, hide_index=True, width="stretch")
        ui.downloads(wide, f"机构画像_{name}_{t}", f"pf_{t}")

st.subheader("校验")
checks = ui.query(queries.q_agency_checks, None, agency)
if checks.empty:
    st.success("这个机构各年年报的校验均通过或无法评估。")
else:
    ui.table(checks.drop(columns=["report_id"]), hide_index=True, width="stretch", column_config={
        "year": st.column_config.NumberColumn("年度", format="%d"), "identity": "规则", "check_id": "校验项",
        "scope": "位置", "lhs": "左边", "rhs": "右边", "delta": "差额", "status": "结果"})
    ui.downloads(checks, f"机构画像_{name}_校验", "pf_checks")
