"""总览: headline figures of a year, the change between any two years (like for like), trends, movers."""
import plotly.express as px
import streamlit as st

from app import queries, ui
from app.queries import fmt_rate

f = ui.page_header("总览", "某一年度的主要数字、任意两个年度之间的变化（同口径），以及历年走势。")
yearly = ui.query(queries.q_yearly, f)
if ui.empty_notice(yearly):
    st.stop()
years = [int(y) for y in yearly["year"]]
counts = dict(zip(years, yearly["n_agencies"].astype(int)))

# any two years: default the latest year and the one before it that has data
c1, c2, _ = st.columns([1, 1, 2])
to_opts = sorted(years, reverse=True)
year = c1.selectbox("年度", to_opts, key="to_year", bind="query-params",
                    help="头部数字所属的年度；变化与“对比年度”相比。")
from_opts = [y for y in to_opts if y != year]
if st.session_state.get("from_year") not in from_opts:
    st.session_state.pop("from_year", None)
prev_default = next((y for y in from_opts if y < year), from_opts[0] if from_opts else None)
prev_year = c2.selectbox("对比年度", from_opts, index=from_opts.index(prev_default) if from_opts else None,
                         key="from_year", bind="query-params", placeholder="（只有一个年度）",
                         help="任选一个年度；变化只按两个年度都有年报的机构同口径计算。")
latest = yearly.set_index("year").loc[year]
y0, y1 = (min(prev_year, year), max(prev_year, year)) if prev_year else (None, None)
panel = ui.query(queries.q_change_panel, f, y0, y1) if prev_year else None
prev = cur = None
if panel is not None and len(panel) == 2:
    by = panel.set_index("year")
    prev, cur = by.loc[prev_year], by.loc[year]
st.subheader(f"{year}年度")
st.caption(f"{int(latest['n_reports'])} 份年报 · {int(latest['n_agencies'])} 个机构。")
if prev_year is None:
    st.caption("当前筛选下只有一个年度，没有可比较的年度。")
elif cur is None:
    st.caption(f"没有机构同时具备 {prev_year} 年和 {year} 年的年报，不计算变化。")
else:
    cover = ui.query(queries.q_panel_agencies, f, y0, y1)
    inside = cover[cover["in_panel"]]
    outside = cover[~cover["in_panel"]]
    st.caption(f"下面的变化是与 {prev_year} 年相比，按两个年度都有年报的 {len(inside)} 个机构同口径计算"
               + (f"；另有 {len(outside)} 个机构只在其中一年有年报，不计入变化。" if len(outside) else "。"))
    with st.expander(f"同口径比较覆盖的机构（{len(inside)} 个）"):
        show = cover.assign(覆盖=["计入变化" if p else ("只有%d年" % (y0 if a else y1)) for p, a in
                                 zip(cover["in_panel"], cover["in_y0"])])
        ui.table(show[["agency_name", "覆盖"]].rename(columns={"agency_name": "机构"}), hide_index=True,
                 width="stretch")


def delta_count(col):
    if cur is None or cur[col] is None or prev[col] is None or cur[col] != cur[col] or prev[col] != prev[col]:
        return None
    d = cur[col] - prev[col]
    return "持平" if d == 0 else f"{d:+,.0f} 件（同口径）"


def delta_rate(col):
    if cur is None or cur[col] is None or prev[col] is None or cur[col] != cur[col] or prev[col] != prev[col]:
        return None
    d = round((cur[col] - prev[col]) * 100, 1)
    return "持平" if d == 0 else f"{d:+.1f} 个百分点（同口径）"


c = st.columns(6)
c[0].metric("本年新收申请", ui.fmt_num(latest["new_received"]), delta_count("new_received"))
c[1].metric("公开率（予以公开+部分公开）", fmt_rate(latest["disclosure_rate"]), delta_rate("disclosure_rate"),
            help=ui.rate_help("disclosure_rate"))
c[2].metric("本机关不掌握占比", fmt_rate(latest["not_held_rate"]), delta_rate("not_held_rate"),
            delta_color="inverse", help=ui.rate_help("not_held_rate"))
both = None if cur is None else cur["recon_total"] + cur["lit_total"] - prev["recon_total"] - prev["lit_total"]
c[3].metric("行政复议 / 行政诉讼", f"{ui.fmt_num(latest['recon_total'])} / {ui.fmt_num(latest['lit_total'])}",
            None if both is None or both != both else f"{both:+,.0f} 件（同口径）", delta_color="off")
c[4].metric("复议纠错率（已审结）", fmt_rate(latest["recon_correction_rate"]),
            delta_rate("recon_correction_rate"), delta_color="inverse", help=ui.rate_help("recon_correction_rate"))
c[5].metric("结转下年度", ui.fmt_num(latest["carried_to_next"]), delta_count("carried_to_next"), delta_color="inverse")
excluded = int(latest["n_rate_excluded"])
st.caption(f"诉讼纠错率（已审结）：{fmt_rate(latest['lit_correction_rate'])}。"
           "各比率均为本看板计算的非官方指标，公式见[指标说明](./metrics)；分母为 0 时显示“—”。"
           + (f"本年度有 {excluded} 份年报的表三合计未通过校验，不计入比率。" if excluded else ""))

st.subheader("历年走势")
left, right = st.columns(2)
with left:
    counts_df = yearly[["year", "new_received", "carried_over_from_prior", "result_total", "carried_to_next"]]
    long = counts_df.melt(id_vars="year", var_name="指标", value_name="件数")
    long["指标"] = long["指标"].map({"new_received": "本年新收", "carried_over_from_prior": "上年结转",
                                   "result_total": "办理结果总计", "carried_to_next": "结转下年度"})
    long["年度"] = long["year"].astype(str)
    long = ui.with_gaps(long[["年度", "指标", "件数"]], by="指标")
    fig = px.line(long, x="年度", y="件数", color="指标", markers=True, title="依申请公开件数（各年合计）")
    fig.update_traces(hovertemplate="%{x}年 %{fullData.name}：%{y:,.0f} 件<extra></extra>", connectgaps=False)
    ui.chart(fig, long, "依申请公开件数", f, "ov_counts", counts=counts, drill="year")
with right:
    rates = yearly[["year", "disclosure_rate", "not_held_rate", "recon_correction_rate"]]
    rl = rates.melt(id_vars="year", var_name="指标", value_name="比率")
    rl["指标"] = rl["指标"].map({k: queries.RATES[k].zh for k in queries.RATES})
    rl["年度"] = rl["year"].astype(str)
    rl = ui.with_gaps(rl[["年度", "指标", "比率"]], by="指标")
    fig = px.line(rl, x="年度", y="比率", color="指标", markers=True, title="主要比率（非官方）")
    fig.update_traces(hovertemplate="%{x}年 %{fullData.name}：%{y:.1%}<extra></extra>", connectgaps=False)
    fig.update_yaxes(tickformat=".0%")
    ui.chart(fig, rl, "主要比率", f, "ov_rates", {"比率": st.column_config.NumberColumn(format="percent")},
             counts=counts, drill="year")

if prev_year:
    st.subheader(f"变化最大的机构（本年新收申请，{prev_year}→{year}）")
    movers = ui.query(queries.q_movers, f, "new_received", year, 10, prev_year)
    if len(movers):
        ui.table(movers.drop(columns=["agency_id"]), hide_index=True, width="stretch", column_config={
            "agency_name": "机构", "prev": st.column_config.NumberColumn(f"{prev_year}年", format="%d"),
            "cur": st.column_config.NumberColumn(f"{year}年", format="%d"),
            "change": st.column_config.NumberColumn("变化（件）", format="%+d"),
            "change_pct": st.column_config.NumberColumn("变化率", format="percent")})
    else:
        st.caption("没有同时具备这两个年度年报的机构。")

st.subheader("数据覆盖")
cov = yearly[["year", "n_reports", "n_agencies"]].rename(columns={"year": "年度", "n_reports": "年报数", "n_agencies": "机构数"})
cov["年度"] = cov["年度"].astype(str)
fig = px.bar(cov, x="年度", y="年报数", text="年报数", title="每个年度收录的年报")
fig.update_traces(hovertemplate="%{x}年：%{y} 份<extra></extra>")
ui.chart(fig, cov, "数据覆盖", f, "ov_cov", drill="year")
st.page_link("pages/quality.py", label="缺失的年报与校验问题见“数据质量”", icon=":material/fact_check:")
