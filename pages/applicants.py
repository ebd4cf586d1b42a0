"""申请人构成: who applies — the six applicant columns of table 三 over time, and their change."""
import plotly.express as px
import streamlit as st

from app import queries, ui
from etl import vocab

f = ui.page_header("申请人构成", "谁在申请？自然人与各类法人或其他组织的申请量及其变化。")
rows = {"new_received": "本年新收申请", "granted": "予以公开", "unavailable_not_held": "本机关不掌握"}
row = st.segmented_control("按哪一行统计", list(rows), format_func=rows.get, default="new_received",
                           key="applicant_row", bind="query-params") or "new_received"
df = ui.query(queries.q_applicants, f, row)
if ui.empty_notice(df):
    st.stop()
df["年度"] = df["year"].astype(str)
counts = ui.agency_counts(f)
order = [vocab.col_zh("t3", c) for c in vocab.T3_APPLICANT_COLS]
left, right = st.columns(2)
with left:
    fig = px.bar(df, x="年度", y="value", color="col_zh", title=f"{rows[row]}：按申请人类型（件）",
                 labels={"value": "件数", "col_zh": "申请人"}, category_orders={"col_zh": order})
    fig.update_traces(hovertemplate="%{x}年 %{fullData.name}：%{y:,.0f} 件<extra></extra>")
    ui.chart(fig, df[["年度", "col_zh", "value", "share"]].rename(columns={"col_zh": "申请人", "value": "件数", "share": "占比"}),
             f"申请人构成_{rows[row]}", f, "ap_counts", {"占比": st.column_config.NumberColumn(format="percent")},
             counts=counts, drill="year")
with right:
    fig = px.bar(df, x="年度", y="share", color="col_zh", title=f"{rows[row]}：构成（占比）",
                 labels={"share": "占比", "col_zh": "申请人"}, category_orders={"col_zh": order})
    fig.update_traces(hovertemplate="%{x}年 %{fullData.name}：%{y:.1%}<extra></extra>")
    fig.update_yaxes(tickformat=".0%")
    ui.chart(fig, df[["年度", "col_zh", "share"]].rename(columns={"col_zh": "申请人", "share": "占比"}),
             f"申请人占比_{rows[row]}", f, "ap_share", {"占比": st.column_config.NumberColumn(format="percent")},
             counts=counts)
st.caption("占比 = 该类申请人件数 ÷ 六类申请人之和（非官方指标；合计为 0 时显示“—”）。"
           "“总计”列不参与相加，避免重复计数。")

years = sorted(int(y) for y in df["year"].unique())
if len(years) >= 2:
    c1, c2, _ = st.columns([1, 1, 2])
    y1 = c1.selectbox("年度", sorted(years, reverse=True), key="ap_to", bind="query-params")
    rest = [y for y in sorted(years, reverse=True) if y != y1]
    if st.session_state.get("ap_from") not in rest:
        st.session_state.pop("ap_from", None)
    y0 = c2.selectbox("对比年度", rest, index=rest.index(next((y for y in rest if y < y1), rest[0])), key="ap_from",
                      bind="query-params")
    lo, hi = min(y0, y1), max(y0, y1)
    panel = ui.query(queries.q_applicants, f, row, (lo, hi))
    st.subheader(f"{y0}→{y1} 年变化（同口径）")
    if panel.empty or panel["year"].nunique() < 2:
        st.caption(f"没有机构同时具备 {y0} 年和 {y1} 年的年报，不计算变化。")
    else:
        n = int(panel["n_agencies"].max())
        st.caption(f"只计两个年度都有年报的 {n} 个机构（同口径）；其他机构只在其中一年有年报，它们的增减不是变化。")
        a = panel[panel["year"] == y0].set_index("col_key")["value"]
        b = panel[panel["year"] == y1].set_index("col_key")["value"]
        ch = (b - a).rename("change").reset_index()
        ch["申请人"] = [vocab.col_zh("t3", c) for c in ch["col_key"]]
        ch[f"{y0}年"] = [a.get(c) for c in ch["col_key"]]
        ch[f"{y1}年"] = [b.get(c) for c in ch["col_key"]]
        out = ch[["申请人", f"{y0}年", f"{y1}年", "change"]].rename(columns={"change": "变化（件）"})
        ui.table(out, hide_index=True, width="stretch")
        ui.downloads(out, f"申请人构成_{y0}-{y1}年变化_{f.file_stem()}", "ap_change")
