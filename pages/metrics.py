"""指标说明: every metric and rate the dashboard shows — formula, template cells, caveats."""
import streamlit as st

from app import queries, ui

ui.ensure_frame()
st.title("指标说明")
st.caption("本看板每个指标的含义、计算公式、使用的年报模板单元格和注意事项。比率均为本看板计算的非官方指标。")
cat = queries.metric_catalog()
ui.table(cat.drop(columns=["key"]), hide_index=True, width="stretch")
ui.downloads(cat, "指标说明", "mx")
st.subheader("比率")
for k, r in queries.RATES.items():
    st.markdown(f"<a id='{k}'></a>", unsafe_allow_html=True)
    st.markdown(f"**{r.zh}**")
    st.text(f"公式：{r.formula}\n{r.caveat}\n分母为 0 时显示“—”；分母不足 {r.min_den} 件的机构照常显示但不参加排名；"
            f"表{'三' if r.basis == 't3' else '四'}合计未通过校验的年报不计入。")
st.subheader("通用规则")
st.text("· 合计：各机构年报所印数字相加；年报校验未通过的数字照印刷值计入，页面会提示。\n"
        "· 变化：只在两个年度都有年报的机构之间计算（同口径），页面写明覆盖哪些机构。\n"
        "· 模板：2021年起表二换用新模板，跨 2020→2021 年的表二行政许可、处罚等指标不比较。\n"
        "· 缺失：一个机构在其首份与末份年报之间、且有其他机构报送的年度没有年报，才算缺失。")
