"""数据导出: the filtered data as CSV (long: one row per cell; wide: one row per report) and Parquet."""
import io

import streamlit as st

from app import queries, ui

MAX_CELLS = 1_000_000  # beyond this the long export is not built in the browser session

f = ui.page_header("数据导出", "把当前筛选下的数据下载下来，用 Excel 或其他工具继续分析。")
size = ui.query(queries.q_export_size, f).iloc[0]
too_big = int(size["n_cells"]) > MAX_CELLS
long = ui.query(queries.q_export_long, f) if not too_big else None
wide = ui.query(queries.q_export_wide, f)
if ui.empty_notice(wide):
    st.stop()
st.write(f"当前筛选：{int(size['n_reports']):,} 份年报，{int(size['n_cells']):,} 个单元格。")
st.caption("CSV 为 UTF-8（带 BOM），可直接用 Excel 打开；数字不带千分位。键（英文）旁附中文含义。"
           "只含当前有效的年报（被替代的旧文件不导出）。")


def parquet(df) -> bytes:
    buf = io.BytesIO()
    df.to_parquet(buf, index=False)
    return buf.getvalue()


left, right = st.columns(2)
with left:
    st.subheader("长表：每个单元格一行")
    st.caption("含来源：页、表格行列、原文、读取方式、是否不确定。")
    if too_big:
        st.warning(f"单元格超过 {MAX_CELLS:,} 个，长表不在网页中生成。请缩小筛选（如选择省份或年度），"
                   "或在服务器上用 DuckDB 直接导出：COPY (SELECT * FROM v_cell) TO 'cells.parquet'。")
        st.stop()
    ui.csv_download(long, "下载长表 CSV", f"单元格_{f.file_stem()}", key="ex_long_csv")
    st.download_button("下载长表 Parquet", data=parquet(long), file_name=f"单元格_{f.file_stem()}.parquet",
                       mime="application/vnd.apache.parquet", on_click="ignore", key="ex_long_pq",
                       icon=":material/download:")
    st.dataframe(long.head(200), hide_index=True, width="stretch")
with right:
    st.subheader("宽表：每份年报一行")
    st.caption("表三取“总计”列，另有申请人分列、表四、表二主要数字及派生合计（denied_total 等为本看板相加，非年报所印）。")
    ui.csv_download(wide, "下载宽表 CSV", f"年报_{f.file_stem()}", key="ex_wide_csv")
    st.download_button("下载宽表 Parquet", data=parquet(wide), file_name=f"年报_{f.file_stem()}.parquet",
                       mime="application/vnd.apache.parquet", on_click="ignore", key="ex_wide_pq",
                       icon=":material/download:")
    labels = ui.queries.wide_labels()
    st.dataframe(wide.head(200), hide_index=True, width="stretch",
                 column_config={k: st.column_config.Column(help=v) for k, v in labels.items() if k in wide.columns})
    with st.expander("宽表列名与中文含义"):
        import pandas as pd
        st.dataframe(pd.DataFrame({"列": list(labels), "含义": list(labels.values())}), hide_index=True)
