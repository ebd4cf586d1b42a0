"""申请人构成: who applies — the six applicant columns of table 三 over time, and their change."""
import plotly.express as px
import streamlit as st

from app import queries, ui
from etl import vocab

f = ui.page_header("申请人构成", "谁在申请？自然人与各类法人或其他组织的申请量及其变化。")
rows = {"new_received": "本年新收申请", "granted": "予以公开", "unavailable_not_held": "本机关不掌握"}
row = st.segmented_control("按哪一行统计", list(rows), format_func=rows.get, default="new_received",
                           key="applicant_row", persist_state="session") or "new_received"
df = ui.query(queries.q_applicants, f, row)
if ui.empty_notice(df):
    st.stop()
df["年度"] = df["year"].astype(str)
order = [vocab.col_zh("t3", c) for c in vocab.T3_APPLICANT_COLS]
left, right = st.columns(2)
with left:
    fig = px.bar(df, x="年度", y="value", color="col_zh", title=f"{rows[row]}：按申请人类型（件）",
                 labels={"value": "件数", "col_zh": "申请人"}, category_orders={"col_zh": order})
    fig.update_traces(hovertemplate="%{x}年 %{fullData.name}：%{y:,.0f} 件<extra></extra>")
    ui.chart(fig, df[["年度", "col_zh", "value", "share"]].rename(columns={"col_zh": "申请人", "value": "件数", "share": "占比"}),
             f"申请人构成_{rows[row]}", f, "ap_counts", {"占比": st.column_config.NumberColumn(format="percent")})
with right:
    fig = px.bar(df, x="年度", y="share", color="col_zh", title=f"{rows[row]}：构成（占比）",
                 labels={"share": "占比", "col_zh": "申请人"}, category_orders={"col_zh": order})
    fig.update_traces(hovertemplate="%{x}年 %{fullData.name}：%{y:.1%}<extra></extra>")
    fig.update_yaxes(tickformat=".0%")
    ui.chart(fig, df[["年度", "col_zh", "share"]].rename(columns={"col_zh": "申请人", "share": "占比"}),
             f"申请人占比_{rows[row]}", f, "ap_share", {"占比": st.column_config.NumberColumn(format="percent")})
st.caption("占比 = 该类申请人件数 ÷ 六类申请人之和（非官方指标；合计为 0 时显示“—”）。"
           "“总计”列不参与相加，避免重复计数。")

years = sorted(df["year"].unique())
if len(years) >= 2:
    y1, y0 = years[-1], years[-2]
    a = df[df["year"] == y0].set_index("col_key")["value"]
    b = df[df["year"] == y1].set_index("col_key")["value"]
    ch = (b - a).rename("change").reset_index()
    ch["申请人"] = [vocab.col_zh("t3", c) for c in ch["col_key"]]
    ch[f"{y0}年"] = [a.get(c) for c in ch["col_key"]]
    ch[f"{y1}年"] = [b.get(c) for c in ch["col_key"]]
    st.subheader(f"{y0}→{y1} 年变化")
    st.dataframe(ch[["申请人", f"{y0}年", f"{y1}年", "change"]].rename(columns={"change": "变化（件）"}),
                 hide_index=True, width="stretch")
