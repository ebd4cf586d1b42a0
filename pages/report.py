"""报告详情: one report's three tables as the template prints them, with provenance per cell."""
import pandas as pd
import streamlit as st

from app import queries, ui
from etl import vocab

f = ui.page_header("报告详情", "一份年报的表二、表三、表四，每个数字从哪里读来、怎样读的，以及它的校验结果。")
reports = ui.query(queries.q_report_list, f)
if len(reports) >= 5000:
    st.caption("只列出前 5,000 份（有问题的年报排在前面）；请用左侧筛选缩小范围。")
rid = st.query_params.get("report")
ids = reports["report_id"].tolist()
if rid and rid not in ids:
    ids = [rid] + ids  # a linked report outside the current filters (or superseded) is still shown
if not ids:
    st.info("当前筛选下没有年报。")
    st.stop()
label = {r: f"{n} · {y}年{' · 示例' if s else ''}{' · ⚠' if (k or u) else ''}"
         for r, n, y, s, k, u in zip(reports["report_id"], reports["agency_name"], reports["year"],
                                     reports["is_synthetic"], reports["n_checks_failed"], reports["n_uncertain"])}


def _pick():
    st.query_params["report"] = st.session_state["report_pick"]


if rid not in ids:
    rid = ids[0]
st.selectbox("年报", ids, index=ids.index(rid), format_func=lambda r: label.get(r, r), key="report_pick",
             on_change=_pick, help="所选年报的编号保存在网址中（?report=…），可直接分享。")
head = ui.query(queries.q_report, None, rid)
if head.empty:
    st.error("找不到这份年报（编号可能已失效）。")
    st.stop()
h = head.iloc[0]
st.subheader(ui.md_escape(f"{h['agency_name']} · {int(h['year'])}年度"))
if h["is_synthetic"]:
    st.warning(ui.SYNTH_BANNER, icon=":material/science:")
if not h["is_current"]:
    st.warning(f"这份文件已被较新的文件替代（{h['superseded_by']}），不计入统计。")
origin = ui.query(queries.q_report_origin, None, rid)
src_name = origin.get("original_name") or h["source_name"]
meta = pd.DataFrame({
    "项目": ["原始文件", "来源", "格式", "模板", "表三其他处理", "解析器版本", "导入时间", "年报编号", "SHA-256",
           "入库文件"],
    "内容": [src_name, origin.get("origin") or "未记录", h["source_format"],
           queries.TEMPLATE_ZH.get(h["template"], h["template"]),
           "单行" if h["other_as_single_row"] else "三个子项", h["parser_version"], str(h["loaded_at"]),
           h["report_id"], h["source_sha256"], h["source_name"]]})
pub = ui.query(queries.q_report_publication, None, rid)
extra = [("发布日期", (f"{pub['published_at']}（{pub.get('published_at_method') or '读取方式未记录'}）"
                   if pub.get("published_at") else "未知（非网站采集的文件没有发布日期）")),
         ("按时公布", pub.get("timeliness") or "无法判断"),
         ("网址", pub.get("source_url") or "—"),
         ("读取方式", "OCR 识别（扫描件；每个数字的识别置信度见下表）" if pub.get("read_by_ocr") else "文字层")]
meta = pd.concat([meta, pd.DataFrame({"项目": [k for k, _ in extra], "内容": [v for _, v in extra]})],
                 ignore_index=True)
ui.table(meta, hide_index=True, width="stretch")
if pub.get("read_by_ocr"):
    st.info("这份年报是扫描件，数字由 OCR 识别：置信度低、被印章覆盖或校验不通过的数字已标为“读取不确定”。",
            icon=":material/document_scanner:")
if origin.get("url"):
    st.link_button("打开原始发布位置", origin["url"], icon=":material/open_in_new:")
if origin.get("stored"):
    from pathlib import Path
    st.download_button(f"下载原始文件（{src_name}）", data=Path(origin["stored"]).read_bytes(), file_name=src_name,
                       on_click="ignore", key="rp_original", icon=":material/download:")
elif h["source_format"] == "json":
    st.caption("这份年报随项目附带的是结构化数字（每个数字的来源位置见下），原始文件未随项目保存；可按“来源”查找原文。")
cells = ui.query(queries.q_report_cells, None, rid)
checks = ui.query(queries.q_report_checks, None, rid)
c = st.columns(4)
c[0].metric("单元格", len(cells))
c[1].metric("读取不确定", int(cells["uncertain"].sum()) if len(cells) else 0)
c[2].metric("校验未通过", int((checks["status"] == "fail").sum()) if len(checks) else 0)
n_corrected = int(cells["corrected"].sum()) if len(cells) else 0
c[3].metric("人工复核更正", n_corrected)
if n_corrected:
    st.info(f"本报告有 {n_corrected} 个数字经人工复核更正（表中绿色）；统计与校验使用复核后的数值，"
            "原解析值与复核人、时间见各表“来源”。", icon=":material/rate_review:")


def shown(v, raw, sem):
    if sem == "na":
        return raw or "/"
    if v is None or pd.isna(v):
        return "?"
    return f"{v:g}"


def grid(table: str, rows: list[str], cols: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    sub = cells[cells["table_key"] == table]
    by = {(r, c_): x for r, c_, x in zip(sub["row_key"], sub["col_key"], sub.itertuples())}
    extra_rows = [r for r in dict.fromkeys(sub["row_key"]) if r not in rows]
    extra_cols = [x for x in dict.fromkeys(sub["col_key"]) if x not in cols]
    rows, cols = rows + extra_rows, cols + extra_cols
    vals, flags = [], []
    for r in rows:
        vr, fr = [], []
        for col in cols:
            x = by.get((r, col))
            vr.append("" if x is None else shown(x.value, x.value_raw, x.semantic))
            fr.append("" if x is None else "corrected" if x.corrected else "uncertain" if x.uncertain else
                      "na" if x.semantic == "na" else "blank" if x.semantic == "blank" else "")
        vals.append(vr)
        flags.append(fr)
    idx = [vocab.row_zh(table, r) for r in rows]
    colz = [vocab.col_zh(table, x) for x in cols]
    return pd.DataFrame(vals, index=idx, columns=colz), pd.DataFrame(flags, index=idx, columns=colz)


STYLE = {"uncertain": "background-color: #f9e79f; font-weight: bold", "na": "color: #7f8c8d", "blank": "color: #2e86de",
         "corrected": "background-color: #d5f5e3; font-weight: bold"}


def show_table(table: str, rows: list[str], cols: list[str]) -> None:
    st.subheader(vocab.TABLE_ZH[table])
    vals, flags = grid(table, rows, cols)
    st.dataframe(vals.style.apply(lambda _: flags.map(lambda x: STYLE.get(x, "")), axis=None), width="stretch")
    sub = cells[cells["table_key"] == table]
    with st.expander("每个单元格的来源（文件、页、表格行列、原文、读取方式）"):
        prov = sub[["label_zh", "cell_key", "value", "value_raw", "semantic", "uncertain", "uncertain_reason",
                    "method", "corrected", "parsed_value", "corrected_by", "corrected_at", "page",
                    "source_table", "source_row", "source_col"]].copy()
        prov["method"] = prov["method"].replace({"review": "人工复核"})
        for col in ("source_table", "source_row", "source_col"):   # stored from 0; people count from 1
            prov[col] = (prov[col] + 1).astype("Int64")
        prov.insert(0, "file", src_name)
        prov = prov.sort_values(["corrected", "uncertain"], ascending=False, kind="stable")
        ui.table(prov, hide_index=True, width="stretch", column_config={
            "file": "原始文件", "label_zh": "含义", "cell_key": "键", "value": "数值", "value_raw": "原文",
            "semantic": "类型", "uncertain": st.column_config.CheckboxColumn("不确定"), "uncertain_reason": "原因",
            "method": "读取方式", "corrected": st.column_config.CheckboxColumn("人工复核"),
            "parsed_value": "解析值", "corrected_by": "复核人", "corrected_at": "复核时间", "page": st.column_config.NumberColumn("页", format="%d"),
            "source_table": st.column_config.NumberColumn("第几个表格（从1数）", format="%d"),
            "source_row": st.column_config.NumberColumn("第几行（从1数）", format="%d"),
            "source_col": st.column_config.NumberColumn("第几列（从1数）", format="%d")})


st.caption("黄色加粗 = 读取不确定；绿色加粗 = 人工复核更正；灰色 = 不适用（原文为“/”“—”等）；蓝色 = 原文空白、按 0 计。"
           "读取方式：cell = 按单元格读取，split = 数字粘连后拆分，order = 行标签缺失、按顺序推定，text = 从正文读取，"
           "人工复核 = 复核人按原件更正（见“复核”页）。")
tmpl = h["template"]
t2_rows = list(vocab.T2_LAYOUT.get(tmpl, {}))
t2_cols = list(dict.fromkeys(c_ for cs in vocab.T2_LAYOUT.get(tmpl, {}).values() for c_ in cs))
show_table("t2", t2_rows, t2_cols)
show_table("t3", list(vocab.t3_rows_for(tmpl, bool(h["other_as_single_row"]))), list(vocab.T3_COL_KEYS))
show_table("t4", list(vocab.T4_ROW_KEYS), list(vocab.T4_COL_KEYS))

st.subheader("校验")
if len(checks):
    ui.table(checks, hide_index=True, width="stretch", column_config={
        "identity": "规则", "check_id": "校验项", "scope": "位置", "lhs": "左边", "rhs": "右边", "delta": "差额",
        "status": "结果", "detail": "说明"})
else:
    st.caption("没有校验记录。")
ui.downloads(cells, f"{h['agency_name']}_{int(h['year'])}_单元格", key="rp_cells")
