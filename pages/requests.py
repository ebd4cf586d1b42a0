"""依申请公开: outcomes over time, the reasons behind denials and not-held answers, and rates."""
import pandas as pd
import plotly.express as px
import streamlit as st

from app import queries, ui
from etl import vocab
from app.queries import OUTCOME_GROUPS, fmt_rate

f = ui.page_header("依申请公开", "申请是怎样办理的？各类办理结果的构成、不予公开与无法提供的理由、主要比率。")
out = ui.query(queries.q_outcomes, f)
if ui.empty_notice(out):
    st.stop()
out["年度"] = out["year"].astype(str)
counts = ui.agency_counts(f)
fig = px.bar(out, x="年度", y="value", color="group_zh", title="办理结果（表三“总计”列）",
             labels={"value": "件数", "group_zh": "办理结果"},
             category_orders={"group_zh": [z for _, z in OUTCOME_GROUPS]})
fig.update_traces(hovertemplate="%{x}年 %{fullData.name}：%{y:,.0f} 件<extra></extra>")
ui.chart(fig, out[["年度", "group_zh", "value", "result_total", "share"]].rename(
    columns={"group_zh": "办理结果", "value": "件数", "result_total": "办理结果总计", "share": "占比"}),
    "办理结果", f, "rq_out", {"占比": st.column_config.NumberColumn(format="percent")},
    counts=counts, drill="year")
st.caption("不予公开含 1–8 项（“属于行政查询事项”计入不予公开）；其他处理：2019年版模板为单行，"
           "2021年版为三个子项之和（由本看板相加，非年报所印）。")

left, right = st.columns(2)
denied_rows = tuple(k for k in vocab.T3_ROW_KEYS if k.startswith("denied_"))
unavail_rows = tuple(k for k in vocab.T3_ROW_KEYS if k.startswith("unavailable_"))
for col, rows, name, key in ((left, denied_rows, "不予公开的理由", "rq_denied"),
                             (right, unavail_rows, "无法提供的理由", "rq_unavail")):
    with col:
        df = ui.query(queries.q_t3_rows, f, rows, "total")
        df["年度"] = df["year"].astype(str)
        fig = px.bar(df, x="年度", y="value", color="row_zh", title=name, labels={"value": "件数", "row_zh": "理由"})
        fig.update_traces(hovertemplate="%{x}年 %{fullData.name}：%{y:,.0f} 件<extra></extra>")
        fig.update_layout(legend=dict(orientation="h", y=-0.25))
        ui.chart(fig, df[["年度", "row_zh", "value", "n_reports"]].rename(
            columns={"row_zh": "理由", "value": "件数", "n_reports": "年报数"}), name, f, key, counts=counts)

st.subheader("主要比率（非官方）")
yearly = ui.query(queries.q_yearly, f)
keys = ["disclosure_rate", "denied_rate", "not_held_rate", "carry_rate"]
table = yearly[["year"] + [f"{k}__num" for k in keys] + [f"{k}__den" for k in keys] + keys].copy()
show = {"年度": table["year"].astype(str)}
for k in keys:
    show[queries.RATES[k].zh] = [fmt_rate(v) for v in table[k]]
ui.table(pd.DataFrame(show), hide_index=True, width="stretch")
for k in keys:
    st.caption(f"**{queries.RATES[k].zh}**：{ui.rate_help(k)}")
ui.downloads(table.rename(columns={"year": "年度"}), f"依申请公开比率_{f.file_stem()}", "rq_rates")
