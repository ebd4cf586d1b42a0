"""采购与收费: procurement totals and projects (2019 template only) and fee amounts (2021 template)."""
import plotly.express as px
import streamlit as st

from app import queries, ui

f = ui.page_header("采购与收费", "政府集中采购金额与项目数（2019–2020年度），行政事业性收费金额（2021年度起）。")
df = ui.query(queries.q_procurement_fees, f)
if ui.empty_notice(df):
    st.stop()
df = df.copy()
df["年度"] = df["year"].astype(str)
st.caption("两者不是同一指标：2019年版模板报告采购，2021年版模板报告收费金额；2019年版的收费“项目数量”是件数，不是金额。金额单位均为万元。")
left, right = st.columns(2)
with left:
    p = df[df["template"] == "2019"]
    st.subheader("政府集中采购（2019年版模板）")
    if p["n_procurement_reports"].sum() == 0:
        st.caption("当前筛选下没有采购数据。")
    else:
        c = st.columns(2)
        c[0].metric("采购总金额（万元）", ui.fmt_num(p["procurement_wan_yuan"].sum(), 2))
        c[1].metric("采购项目数量", ui.fmt_num(p["procurement_projects"].sum()))
        fig = px.bar(p, x="年度", y="procurement_wan_yuan", text_auto=",.2f", title="采购总金额（万元）",
                     labels={"procurement_wan_yuan": "万元"})
        fig.update_traces(hovertemplate="%{x}年：%{y:,.3f} 万元<extra></extra>")
        ui.chart(fig, p[["年度", "procurement_wan_yuan", "procurement_projects", "n_procurement_reports"]].rename(
            columns={"procurement_wan_yuan": "采购总金额（万元）", "procurement_projects": "采购项目数量",
                     "n_procurement_reports": "年报数"}), "政府集中采购", f, "pf_proc", drill="year")
with right:
    q = df[df["template"] == "2021"]
    st.subheader("行政事业性收费（2021年版模板）")
    if q["n_fee_reports"].sum() == 0:
        st.caption("当前筛选下没有收费金额数据。")
    else:
        st.metric("收费金额合计（万元）", ui.fmt_num(q["fee_wan_yuan"].sum(), 2))
        fig = px.bar(q, x="年度", y="fee_wan_yuan", text_auto=",.2f", title="本年收费金额（万元）",
                     labels={"fee_wan_yuan": "万元"})
        fig.update_traces(hovertemplate="%{x}年：%{y:,.2f} 万元<extra></extra>")
        ui.chart(fig, q[["年度", "fee_wan_yuan", "n_fee_reports"]].rename(
            columns={"fee_wan_yuan": "收费金额（万元）", "n_fee_reports": "年报数"}), "行政事业性收费", f, "pf_fee", drill="year")
