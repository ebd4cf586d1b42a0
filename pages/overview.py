"""总览: the latest year's headline figures with year-on-year change, trends, movers, coverage."""
import plotly.express as px
import streamlit as st

from app import queries, ui
from app.queries import fmt_rate

f = ui.page_header("总览", "最近一个年度的主要数字、与上一年度相比的变化，以及历年走势。")
yearly = ui.query(queries.q_yearly, f)
if ui.empty_notice(yearly):
    st.stop()

latest = yearly.iloc[-1]
year = int(latest["year"])
# changes are computed like for like: only agencies with a report in both years
panel = ui.query(queries.q_yoy_panel, f, year)
prev = cur = None
if len(panel) == 2:
    prev, cur = panel.iloc[0], panel.iloc[1]
st.subheader(f"{year}年度")
st.caption(f"{int(latest['n_reports'])} 份年报 · {int(latest['n_agencies'])} 个机构。"
           + ("与上一年度相比的增减按两年都有年报的 "
              f"{int(cur['n_agencies'])} 个机构同口径计算。" if cur is not None
              else "没有机构同时具备上一年度的年报，不计算同比增减。"))


def delta_count(col):
    if cur is None or cur[col] is None or prev[col] is None:
        return None
    d = cur[col] - prev[col]
    return "持平" if d == 0 else f"{d:+,.0f} 件"


def delta_rate(col):
    if cur is None or cur[col] is None or prev[col] is None:
        return None
    import math
    if math.isnan(cur[col]) or math.isnan(prev[col]):
        return None
    d = round((cur[col] - prev[col]) * 100, 1)
    return "持平" if d == 0 else f"{d:+.1f} 个百分点"


c = st.columns(6)
c[0].metric("本年新收申请", ui.fmt_num(latest["new_received"]), delta_count("new_received"))
c[1].metric("公开率（予以公开+部分公开）", fmt_rate(latest["disclosure_rate"]), delta_rate("disclosure_rate"),
            help=ui.rate_help("disclosure_rate"))
c[2].metric("本机关不掌握占比", fmt_rate(latest["not_held_rate"]), delta_rate("not_held_rate"),
            delta_color="inverse", help=ui.rate_help("not_held_rate"))
c[3].metric("行政复议 / 行政诉讼", f"{ui.fmt_num(latest['recon_total'])} / {ui.fmt_num(latest['lit_total'])}",
            None if cur is None else f"{cur['recon_total'] + cur['lit_total'] - prev['recon_total'] - prev['lit_total']:+,.0f} 件",
            delta_color="off")
c[4].metric("复议纠错率（已审结）", fmt_rate(latest["recon_correction_rate"]),
            delta_rate("recon_correction_rate"), delta_color="inverse", help=ui.rate_help("recon_correction_rate"))
c[5].metric("结转下年度", ui.fmt_num(latest["carried_to_next"]), delta_count("carried_to_next"), delta_color="inverse")
st.caption(f"诉讼纠错率（已审结）：{fmt_rate(latest['lit_correction_rate'])}。"
           "各比率均为本看板计算的非官方指标，公式见各指标的“?”说明；分母为 0 时显示“—”。")

st.subheader("历年走势")
left, right = st.columns(2)
with left:
    counts = yearly[["year", "new_received", "carried_over_from_prior", "result_total", "carried_to_next"]]
    long = counts.melt(id_vars="year", var_name="指标", value_name="件数")
    long["指标"] = long["指标"].map({"new_received": "本年新收", "carried_over_from_prior": "上年结转",
                                   "result_total": "办理结果总计", "carried_to_next": "结转下年度"})
    long["年度"] = long["year"].astype(str)
    fig = px.line(long, x="年度", y="件数", color="指标", markers=True, title="依申请公开件数")
    fig.update_traces(hovertemplate="%{x}年 %{fullData.name}：%{y:,.0f} 件<extra></extra>")
    ui.chart(fig, long[["年度", "指标", "件数"]], "依申请公开件数", f, "ov_counts")
with right:
    rates = yearly[["year", "disclosure_rate", "not_held_rate", "recon_correction_rate"]]
    rl = rates.melt(id_vars="year", var_name="指标", value_name="比率")
    rl["指标"] = rl["指标"].map({k: queries.RATES[k].zh for k in queries.RATES})
    rl["年度"] = rl["year"].astype(str)
    fig = px.line(rl, x="年度", y="比率", color="指标", markers=True, title="主要比率（非官方）")
    fig.update_traces(hovertemplate="%{x}年 %{fullData.name}：%{y:.1%}<extra></extra>")
    fig.update_yaxes(tickformat=".0%")
    ui.chart(fig, rl[["年度", "指标", "比率"]], "主要比率", f, "ov_rates",
             {"比率": st.column_config.NumberColumn(format="percent")})

st.subheader(f"变化最大的机构（本年新收申请，{year - 1}→{year}）")
movers = ui.query(queries.q_movers, f, "new_received", year)
if len(movers):
    st.dataframe(movers, hide_index=True, width="stretch", column_config={
        "agency_name": "机构", "prev": st.column_config.NumberColumn(f"{year - 1}年", format="%d"),
        "cur": st.column_config.NumberColumn(f"{year}年", format="%d"),
        "change": st.column_config.NumberColumn("变化（件）", format="%+d"),
        "change_pct": st.column_config.NumberColumn("变化率", format="percent")})
else:
    st.caption("没有同时具备两个年度年报的机构。")

st.subheader("数据覆盖")
cov = yearly[["year", "n_reports", "n_agencies"]].rename(columns={"year": "年度", "n_reports": "年报数", "n_agencies": "机构数"})
cov["年度"] = cov["年度"].astype(str)
fig = px.bar(cov, x="年度", y="年报数", text="年报数", title="每个年度收录的年报")
fig.update_traces(hovertemplate="%{x}年：%{y} 份<extra></extra>")
ui.chart(fig, cov, "数据覆盖", f, "ov_cov")
st.page_link("pages/quality.py", label="缺失的年报与校验问题见“数据质量”", icon=":material/fact_check:")
