"""复议诉讼: table 四 over time, with correction rates on decided cases only."""
import plotly.express as px
import streamlit as st

from app import queries, ui
from etl import vocab
from app.queries import fmt_rate

f = ui.page_header("复议诉讼", "因政府信息公开引发的行政复议、行政诉讼有多少？结果如何？")
df = ui.query(queries.q_review_litigation, f)
if ui.empty_notice(df):
    st.stop()
df = df.copy()
df["年度"] = df["year"].astype(str)
long = df.melt(id_vars=["年度", "block_zh"], value_vars=["upheld", "corrected", "other", "pending"],
               var_name="col", value_name="件数")
long["结果"] = [vocab.col_zh("t4", c) for c in long["col"]]
fig = px.bar(long, x="年度", y="件数", color="结果", facet_col="block_zh", title="复议与诉讼结果（件）",
             labels={"block_zh": ""}, category_orders={"结果": [vocab.col_zh("t4", c) for c in ("upheld", "corrected", "other", "pending")]})
fig.for_each_annotation(lambda a: a.update(text=a.text.split("=")[-1]))
fig.update_traces(hovertemplate="%{x}年 %{fullData.name}：%{y:,.0f} 件<extra></extra>")
ui.chart(fig, long[["年度", "block_zh", "结果", "件数"]].rename(columns={"block_zh": "类别"}), "复议诉讼结果", f, "rl_bar", counts=ui.agency_counts(f))

st.subheader("纠错率（只计已审结案件，非官方）")
st.caption("纠错率 = 结果纠正 ÷（总计 − 尚未审结）。尚未审结的案件没有结果，不计入分母；已审结为 0 时显示“—”。")
table = df[["年度", "block_zh", "total", "pending", "decided", "corrected", "correction_rate"]].copy()
table["纠错率"] = [fmt_rate(v) for v in table["correction_rate"]]
# a contradiction is said next to the figure, not left for the reader to spot
table["提示"] = ["结果纠正多于已审结：数字互相矛盾，见数据质量" if c > d else
               ("有年报的表四合计未通过校验，不计入纠错率" if n else "")
               for c, d, n in zip(table["corrected"], table["decided"], df["n_rate_excluded"])]
table = table.drop(columns="correction_rate").rename(columns={
    "block_zh": "类别", "total": "总计", "pending": "尚未审结", "decided": "已审结", "corrected": "结果纠正"})
ui.table(table, hide_index=True, width="stretch")
ui.downloads(df.drop(columns=["年度"]), f"复议诉讼_{f.file_stem()}", "rl")
rates = df[df["correction_rate"].notna()]
if len(rates):
    fig = px.line(rates, x="年度", y="correction_rate", color="block_zh", markers=True, title="纠错率（已审结）",
                  labels={"correction_rate": "纠错率", "block_zh": "类别"}, hover_data={"decided": True, "corrected": True})
    fig.update_traces(hovertemplate="%{x}年 %{fullData.name}：%{y:.1%}<extra></extra>")
    fig.update_yaxes(tickformat=".0%")
    ui.chart(fig, table, "纠错率", f, "rl_rate", counts=ui.agency_counts(f))
