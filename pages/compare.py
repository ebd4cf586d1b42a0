"""机构对比: agencies side by side on one metric, ranked; small samples shown but not ranked."""
import plotly.graph_objects as go
import streamlit as st

from app import queries, ui
from app.queries import METRICS, RATES, fmt_rate

f = ui.page_header("机构对比", "同一年度、同一指标下，各机构的排名与同侪中位数。")
yearly = ui.query(queries.q_yearly, f)
if ui.empty_notice(yearly):
    st.stop()
years = sorted(yearly["year"].astype(int).tolist(), reverse=True)
# default: the year with the most agencies (the latest of those)
n_by_year = dict(zip(yearly["year"].astype(int), yearly["n_agencies"].astype(int)))
best = max(years, key=lambda y: (n_by_year[y], y))
options = list(RATES) + list(METRICS)
labels = {**{k: f"{r.zh}（比率）" for k, r in RATES.items()}, **{k: m.zh for k, m in METRICS.items()}}
c1, c2 = st.columns([1, 2])
year = c1.selectbox("年度", years, index=years.index(best), key="cmp_year", bind="query-params",
                    format_func=lambda y: f"{y}（{n_by_year[y]} 个机构）")
metric = c2.selectbox("指标", options, format_func=labels.get, key="cmp_metric", bind="query-params")
df = ui.query(queries.q_agency_compare, f, int(year), metric)
if ui.empty_notice(df):
    st.stop()
is_rate = metric in RATES
if is_rate:
    st.caption(ui.rate_help(metric) + f" 分母不足 {RATES[metric].min_den} 件"
               + ("或本年新收申请不足 30 件" if RATES[metric].min_den == 30 else "")
               + "的机构标为“样本过小”，照常显示但不参加排名，也不计入中位数。")
median = df["peer_median"].iloc[0]
st.metric("同侪中位数（参与排名的机构）", fmt_rate(median) if is_rate else ui.fmt_num(median))
MAX_BARS = 40
d = df[df["value"].notna()].sort_values("value")
if len(d) > MAX_BARS:
    st.caption(f"共 {len(d):,} 个机构，图中只画排名前 {MAX_BARS} 的机构（参与排名者），完整排名见下表。")
    d = d[d["rank"].notna()].sort_values("rank").head(MAX_BARS).sort_values("value")
colors = ["#bdc3c7" if s else "#c0392b" for s in d["small_sample"]]
text = [(fmt_rate(v) if is_rate else ui.fmt_num(v)) + ("（样本过小）" if s else "") for v, s in zip(d["value"], d["small_sample"])]
fig = go.Figure(go.Bar(x=d["value"], y=[ui.plot_text(n) for n in d["agency_name"]], orientation="h",
                       marker_color=colors, text=text, textposition="auto", customdata=d[["agency_id"]],
                       hovertemplate="%{y}：%{x" + (":.1%" if is_rate else ":,.0f") + "}<extra></extra>"))
if median is not None and median == median:
    fig.add_vline(x=median, line_dash="dash", annotation_text="中位数")
if is_rate:
    fig.update_xaxes(tickformat=".0%")
fig.update_layout(title=f"{year}年 {labels[metric]}", height=max(300, 28 * len(d) + 140))
table = df[["rank", "agency_name", "level", "kind", "value", "small_sample", "new_received"]
           + (["num", "den"] if is_rate else [])].copy()
cc = {"rank": st.column_config.NumberColumn("排名", format="%d"), "agency_name": "机构", "level": "层级",
      "kind": "类型", "value": st.column_config.NumberColumn(labels[metric], format="percent" if is_rate else "%d"),
      "small_sample": st.column_config.CheckboxColumn("样本过小"),
      "new_received": st.column_config.NumberColumn("本年新收申请", format="%d"),
      "num": st.column_config.NumberColumn("分子", format="%d"), "den": st.column_config.NumberColumn("分母", format="%d")}
ui.chart(fig, table, f"机构对比_{year}_{labels[metric]}", f, "cmp", cc, drill="agency", show_table=False)
st.subheader("完整排名")
ui.table(table, hide_index=True, width="stretch", column_config=cc)
ui.downloads(table, f"机构对比_{year}_{labels[metric]}_{f.file_stem()}", "cmp_dl")
missing = df[df["value"].isna()]
if len(missing):
    st.caption(f"{len(missing)} 个机构该指标无法计算（分母为 0 或未填报），显示为“—”，未列入图中。")
