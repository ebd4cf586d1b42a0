"""复核: the queue of uncertain cells and failed checks, and the form that settles them.

Reads through app.queries (q_review_queue, q_cell_review, q_cell_identities, q_cell_snippet,
q_corrections); writes one correction at a time through etl.review.submit (the
warehouse's single writer, atomic publish).  Writing needs a signed-in name (app.auth); the
version and value the reviewer saw are kept in the session, so a cell changed meanwhile by
someone else is refused with a message instead of being overwritten.
"""
import pandas as pd
import streamlit as st

from app import auth, queries, snippets, ui
from etl import corrections, numbers, review, vocab
from etl.warehouse import WarehouseBusy

f = ui.page_header("复核", "逐项核对读取不确定的数字和未通过的校验：改正数字，或说明为何保留机关所印数字。"
                   "更正作为记录叠加在解析结果之上，即时用于所有页面，并留有操作日志。", flags=False)
user = auth.require_writer("提交更正", "review")
done = st.session_state.pop("rv_done", None)
if done:
    st.success(done)


def _num(text: str) -> float | None:
    """The number a reviewer typed, read as a printed cell is (:func:`etl.numbers.parse_cell`:
    full-width digits, thousands separators, a unit; money in 万元); None for anything else
    (accounting brackets too: (3) is −3 only in a 本年增/减 column, which this does not know)."""
    cv = numbers.parse_cell(text)
    if cv is None or cv.semantic != "number" or cv.value is None or cv.doubt or cv.bracketed:
        return None
    return float(numbers.to_wan_yuan(cv.value, cv.unit))


def _fmt(v) -> str:
    return "—" if v is None or pd.isna(v) else f"{float(v):g}"


region_png = st.cache_data(max_entries=64, show_spinner=False)(snippets.pdf_row_png)


def pdf_region(rid: str, key: str, page) -> bytes | None:
    """The PDF page region printing the cell's row (app.snippets), or None (not a PDF, file gone)."""
    head = ui.query(queries.q_report, None, rid)
    if head.empty or head.iloc[0]["source_format"] != "pdf" or pd.isna(page):
        return None
    row = ui.query(queries.q_cell_row, None, rid, key)
    printed = [k for k, r in zip(row["cell_key"], row["value_raw"]) if r and str(r).strip()]
    if key not in printed:
        return None
    raws = [str(r) for r in row["value_raw"] if r and str(r).strip()]
    return region_png(str(head.iloc[0]["source_path"]), int(page), raws, printed.index(key),
                      int(row["occurrence"].iloc[0]))


def cell_panel(rid: str, key: str) -> None:
    """One cell: as printed, where, the parser's note, the identities through it (live), the form."""
    cell_df = ui.query(queries.q_cell_review, None, rid, key)
    if cell_df.empty:
        st.warning("找不到这个单元格。")
        return
    cell = cell_df.iloc[0]
    value = None if pd.isna(cell["value"]) else float(cell["value"])
    st.markdown(f"**{ui.md_escape(vocab.label_zh(key))}**（`{key}`）")
    where = "，".join(f"{n.format(int(v) + add)}" for n, v, add in (
        ("第 {} 页", cell["page"], 0), ("第 {} 个表格", cell["source_table"], 1), ("第 {} 行", cell["source_row"], 1),
        ("第 {} 列", cell["source_col"], 1)) if not pd.isna(v)) or "未记录"
    c = st.columns(3)
    c[0].metric("当前值", _fmt(value))
    c[1].metric("原文（所印）", str(cell["value_raw"]) if cell["value_raw"] not in (None, "") else "（空）")
    c[2].metric("复核版本", int(cell["version"]))
    st.caption(f"位置：{where}；读取方式：{'人工复核' if cell['method'] == 'review' else cell['method']}")
    if cell["corrected"]:
        st.info(f"人工复核：{cell['corrected_by']} 于 {cell['corrected_at']:%Y-%m-%d %H:%M} 改为 {_fmt(value)}"
                f"（解析值 {_fmt(cell['parsed_value'])}）" + (f"；理由：{cell['correction_reason']}"
                                                          if cell["correction_reason"] else ""))
    if cell["uncertain_reason"]:
        st.caption("解析器说明（含候选读法）：" + str(cell["uncertain_reason"]))
    snippet = ui.query(queries.q_cell_snippet, None, rid, cell["value_raw"])
    if not snippet.empty:
        st.caption("原文上下文：")
        st.code("\n".join(snippet["line"]), language=None, wrap_lines=True)
    png = pdf_region(rid, key, cell["page"])
    if png:
        st.image(png, caption="原件该行（红框为此单元格）")
    seen_key = f"rv_seen_{rid}_{key}"
    seen = st.session_state.setdefault(seen_key, (int(cell["version"]), value))
    text = st.text_input("复核值（按年报原件填写）", value=_fmt(value) if value is not None else "",
                         key=f"rv_val_{rid}_{key}", disabled=user is None)
    cand = _num(text)
    if cand is None and text.strip():
        st.error("请输入数字。")
    elif cand is None:
        st.caption("请输入按原件核对后的数字。")
    ident = ui.query(queries.q_cell_identities, None, rid, key, value if cand is None else cand)
    failing = ident[ident["status"] == "fail"] if len(ident) else ident
    st.caption("经过此单元格的勾稽关系（按输入的数值即时重算）：")
    if len(ident):
        ui.table(ident.drop(columns=["identity", "detail"]), hide_index=True, width="stretch", column_config={
            "check_id": "校验项", "scope": "关系", "lhs": "左边", "rhs": "右边", "delta": "差额", "status": "结果"})
    else:
        st.caption("没有勾稽关系经过这个单元格（例如表二的多数栏目）。")
    if len(failing):
        st.warning(f"按此数值仍有 {len(failing)} 项勾稽关系不成立：请改正，或在理由中说明为何保留机关所印数字。")
    elif len(ident):
        st.success("按此数值，经过此单元格的勾稽关系全部成立。")
    reason = st.text_area("理由" + ("（必填）" if len(failing) else "（可选）"), key=f"rv_reason_{rid}_{key}",
                          disabled=user is None)
    evidence = st.text_input("依据（如原件页码、网址）", key=f"rv_evidence_{rid}_{key}", disabled=user is None)
    if st.button("提交更正", type="primary", key=f"rv_submit_{rid}_{key}", disabled=user is None or cand is None,
                 icon=":material/task_alt:"):
        if user is None:            # a scripted click without sign-in: refused here as well
            st.error("未登录，不能提交更正。")
            st.stop()
        ui.reload_data()            # close our read-only connection before the publisher swaps the file
        try:
            row = review.submit(ui.db_path(), report_id=rid, cell_key=key, new_value=cand, reviewer=user,
                                     seen_version=seen[0], seen_value=seen[1], reason=reason, evidence=evidence)
        except corrections.CorrectionConflict as e:
            st.session_state.pop(seen_key, None)
            st.error(str(e))
        except (corrections.CorrectionError, WarehouseBusy) as e:
            st.error(str(e))
        else:
            st.session_state.pop(seen_key, None)
            ui.reload_data()
            st.session_state["rv_done"] = (f"已更正 {vocab.label_zh(key)}：{_fmt(row['old_value'])} → "
                                           f"{_fmt(row['new_value'])}（版本 {row['version']}）。各页面已使用新数值。")
            st.rerun()


queue_tab, log_tab = st.tabs(["待复核", "复核记录（整改/复核清单）"])
with queue_tab:
    queue = ui.query(queries.q_review_queue, f)
    if queue.empty:
        st.success("当前筛选下没有待复核的项目。")
    else:
        reps = (queue.groupby(["report_id", "agency_name", "year"], sort=False)
                .agg(n_items=("item", "size"), impact=("impact", "sum")).reset_index())
        st.caption(f"{len(reps)} 份年报，共 {len(queue)} 项；按影响的公开数字（合计、比率等）多少排序。")
        ui.table(reps.drop(columns="report_id"), hide_index=True, width="stretch", column_config={
            "agency_name": "机构", "year": st.column_config.NumberColumn("年度", format="%d"),
            "n_items": "待复核项", "impact": "影响的公开数字"})
        labels = {r: f"{n} · {int(y)}年（{k} 项）" for r, n, y, k in
                  zip(reps["report_id"], reps["agency_name"], reps["year"], reps["n_items"])}
        rid = st.selectbox("年报", list(labels), format_func=labels.get, key="rv_report")
        items = queue[queue["report_id"] == rid].reset_index(drop=True)
        ui.table(items[["kind_zh", "label_zh", "value", "value_raw", "lhs", "rhs", "impact", "figures", "detail"]],
                 hide_index=True, width="stretch", column_config={
                     "kind_zh": "类型", "label_zh": "单元格/校验", "value": "当前值", "value_raw": "原文",
                     "lhs": "左边", "rhs": "右边", "impact": "影响", "figures": "影响的公开数字", "detail": "说明"})
        opts = list(range(len(items)))
        pick = st.selectbox("逐项复核", opts, key=f"rv_item_{rid}", format_func=lambda i: (
            f"{items.at[i, 'kind_zh']} · {items.at[i, 'label_zh']} · 影响 {items.at[i, 'impact']}"))
        it = items.iloc[pick]
        if it["kind"] == "check":
            st.markdown(f"**{ui.md_escape(it['detail'])}**：左边 {_fmt(it['lhs'])}，右边 {_fmt(it['rhs'])}")
            head = ui.query(queries.q_report, None, rid)
            single = bool(head.iloc[0]["other_as_single_row"]) if len(head) else False
            keys = corrections.cells_of_check(it["item"], single)
            if not keys:
                st.caption("这项校验覆盖整张表，请在上表中选择具体单元格复核。")
            else:
                key = st.selectbox("改正哪个单元格", keys, format_func=lambda k: f"{vocab.label_zh(k)}（{k}）",
                                   key=f"rv_cell_{rid}_{it['item']}")
                cell_panel(rid, key)
        else:
            if it["kind"] == "recheck":
                st.warning("年报文件已被新文件替换，原文件上的更正不自动沿用：请对照新文件重新核对。"
                           + str(it["detail"]))
            cell_panel(rid, it["item"])
with log_tab:
    corr = ui.query(queries.q_corrections, f)
    if corr.empty:
        st.caption("当前筛选下还没有更正记录。")
    else:
        shown = corr[list(queries.CORRECTION_EXPORT_COLS)].rename(columns=queries.CORRECTION_EXPORT_COLS)
        ui.table(shown, hide_index=True, width="stretch")
        ui.csv_download(shown, "下载复核清单（CSV）", f"复核清单_{f.file_stem()}", key="rv_export")
