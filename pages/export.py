"""数据导出: the filtered data as CSV/JSON/Parquet, built only when asked (with progress).

The page itself runs two small queries (the size and a 200-row preview); a file is built when
its button is pressed, with a progress bar, and kept for the session until the filters change.
"""
import io

import streamlit as st

from app import queries, ui

MAX_CELLS = 1_000_000  # beyond this the long export is not built in the browser session
PREVIEW = 200

f = ui.page_header("数据导出", "把当前筛选下的数据下载下来，用 Excel 或其他工具继续分析。", flags=False)
size = ui.query(queries.q_export_size, f).iloc[0]
n_reports, n_cells = int(size["n_reports"]), int(size["n_cells"])
if n_reports == 0:
    ui.empty_notice(None)
    st.stop()
st.write(f"当前筛选：{n_reports:,} 份年报，{n_cells:,} 个单元格。")
st.caption("文件按需生成：点“生成”后才读取数据并打包，生成后出现下载按钮。CSV 为 UTF-8（带 BOM），可直接用 Excel 打开；"
           "数字不带千分位，件数为整数。键（英文）旁附中文含义。只含当前有效的年报（被替代的旧文件不导出）。")


def parquet(df) -> bytes:
    buf = io.BytesIO()
    df.to_parquet(buf, index=False)
    return buf.getvalue()


FORMATS = {"csv": ("CSV", ui.csv_bytes, "text/csv"), "json": ("JSON", ui.json_bytes, "application/json"),
           "parquet": ("Parquet", parquet, "application/vnd.apache.parquet")}


def build(kind: str, fn, stem: str) -> None:
    """One button per table: build every format with a progress bar, then offer the downloads."""
    store = st.session_state.setdefault("export_files", {})
    tag = (kind, f)
    if st.button(f"生成{'长表' if kind == 'long' else '宽表'}文件", key=f"ex_build_{kind}", icon=":material/build:"):
        bar = st.progress(0.0, text="正在读取数据…")
        df = ui.query(fn, f)
        files = {}
        for i, (ext, (label, enc, _mime)) in enumerate(FORMATS.items(), start=1):
            bar.progress(i / (len(FORMATS) + 1), text=f"正在生成 {label}（{len(df):,} 行）…")
            files[ext] = enc(df)
        bar.progress(1.0, text=f"已生成：{len(df):,} 行")
        store.clear()   # one set of files per session: memory stays bounded
        store[tag] = files
    files = store.get(tag)
    if files:
        cols = st.columns(len(files))
        for col, (ext, data) in zip(cols, files.items()):
            label, _, mime = FORMATS[ext]
            col.download_button(f"下载{'长表' if kind == 'long' else '宽表'} {label}", data=data,
                                file_name=f"{stem}.{ext}", mime=mime, on_click="ignore", key=f"ex_{kind}_{ext}",
                                icon=":material/download:")


left, right = st.columns(2)
with left:
    st.subheader("长表：每个单元格一行")
    st.caption("含来源：页、表格行列、原文、读取方式、是否不确定；corrected 列标出人工复核更正的数字"
               "（parsed_value 为解析值，corrected_by / corrected_at 为复核人和时间）。")
    if n_cells > MAX_CELLS:
        st.warning(f"单元格超过 {MAX_CELLS:,} 个，长表不在网页中生成。请缩小筛选（如选择省份或年度），"
                   "或在服务器上用 DuckDB 直接导出：COPY (SELECT * FROM v_cell) TO 'cells.parquet'。")
    else:
        build("long", queries.q_export_long, f"单元格_{f.file_stem()}")
with right:
    st.subheader("宽表：每份年报一行")
    st.caption("表三取“总计”列，另有申请人分列、表四、表二主要数字及派生合计（denied_total 等为本看板相加，非年报所印）；"
               "n_corrected 为该年报经人工复核更正的数字个数。")
    build("wide", queries.q_export_wide, f"年报_{f.file_stem()}")
st.subheader(f"预览（前 {PREVIEW} 份年报）")
preview = ui.query(queries.q_export_preview, f, PREVIEW)
labels = queries.wide_labels()
ui.table(preview, hide_index=True, width="stretch",
         column_config={k: st.column_config.Column(help=v) for k, v in labels.items() if k in preview.columns})
with st.expander("宽表列名与中文含义"):
    import pandas as pd
    ui.table(pd.DataFrame({"列": list(labels), "含义": list(labels.values())}), hide_index=True)
