"""主动公开: table 二 over time, one panel per template — the 2020→2021 break is never joined."""
import plotly.express as px
import streamlit as st

from app import queries, ui
from etl import vocab

f = ui.page_header("主动公开", "规章、规范性文件与行政许可、处罚、强制等主动公开的数字怎样变化？")
t2 = ui.query(queries.q_t2_by_year, f)
if ui.empty_notice(t2):
    st.stop()
st.info("2021年起表二换用新模板：2019年版的“本年新制作数量/对外公开总数量”与2021年版的“本年制发件数/现行有效件数”"
        "口径不同，下面按模板分成两组，不连成一条线。", icon=":material/info:")
t2 = t2.copy()
t2["年度"] = t2["year"].astype(str)
counts = ui.agency_counts(f)
t2["行"] = [vocab.row_zh("t2", r) for r in t2["row_key"]]
t2["列"] = [vocab.col_zh("t2", c) for c in t2["col_key"]]
for template, label in (("2019", "2019年版模板（2019–2020年度）"), ("2021", "2021年版模板（2021年度起）")):
    part = t2[t2["template"] == template]
    st.subheader(label)
    if part.empty:
        st.caption("当前筛选下没有这一模板的年报。")
        continue
    docs_col = "newly_made_count" if template == "2019" else "issued_count"
    left, right = st.columns(2)
    with left:
        d = part[part["row_key"].isin(["regulations", "normative_documents"]) & (part["col_key"] == docs_col)]
        fig = px.bar(d, x="年度", y="value", color="行", barmode="group", labels={"value": "件数"},
                     title=f"规章与规范性文件：{vocab.col_zh('t2', docs_col)}")
        fig.update_traces(hovertemplate="%{x}年 %{fullData.name}：%{y:,.0f} 件<extra></extra>")
        ui.chart(fig, d[["年度", "行", "列", "value", "n_reports"]].rename(columns={"value": "件数", "n_reports": "年报数"}),
                 f"表二文件数_{template}版", f, f"pa_docs_{template}", counts=counts, drill="year")
    with right:
        d = part[part["row_key"].isin(["admin_licensing", "admin_penalty", "admin_coercion"]) & (part["col_key"] == "decision_count")]
        fig = px.bar(d, x="年度", y="value", color="行", barmode="group", labels={"value": "件数"},
                     title="行政许可、处罚、强制：处理决定数量")
        fig.update_traces(hovertemplate="%{x}年 %{fullData.name}：%{y:,.0f} 件<extra></extra>")
        ui.chart(fig, d[["年度", "行", "列", "value", "n_reports"]].rename(columns={"value": "件数", "n_reports": "年报数"}),
                 f"表二处理决定_{template}版", f, f"pa_dec_{template}", counts=counts, drill="year")
    with st.expander(f"表二全部数字（{label}）"):
        wide = part.pivot_table(index=["行", "列"], columns="年度", values="value", aggfunc="sum").reset_index()
        ui.table(wide, hide_index=True, width="stretch")
        ui.downloads(wide, f"表二_{template}版_{f.file_stem()}", f"pa_all_{template}")
st.caption("“处理决定数量”两版模板概念相近，可谨慎对照；金额类见“采购与收费”。各年合计只含该年有数字的年报。")
