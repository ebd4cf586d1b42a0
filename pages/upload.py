"""导入年报: upload report files, check type by content, parse and check them (in a supervised
worker process, :mod:`app.uploads`), then load them.  Writing needs a signed-in name
(:mod:`app.auth`); without one the page only explains why it is read-only."""
import hashlib
import json
import os
import re
from pathlib import Path

import pandas as pd
import streamlit as st

from app import auth, ui
from app.uploads import load_uploaded, parse_upload

MAX_MB = 20
EXTS = ["pdf", "docx", "html", "htm", "txt", "md", "json"]


def uploads_dir() -> Path:
    return Path(os.environ.get("GKNB_UPLOADS") or ui.ROOT / "data" / "uploads")


def content_kind(data: bytes, name: str) -> str | None:
    """The file's real type from its bytes, or None when it does not match the extension."""
    ext = Path(name).suffix.lower().lstrip(".")
    head = data[:4096]
    if ext == "pdf":
        return "pdf" if head.startswith(b"%PDF") else None
    if ext == "docx":
        return "docx" if head.startswith(b"PK\x03\x04") and b"word/" in data[:200_000] else None
    if b"\x00" in head or head.startswith((b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"MZ", b"\x7fELF")):
        return None  # binary content under a text extension
    text = None
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        return None
    if ext == "json":
        try:
            doc = json.loads(text)
        except ValueError:
            return None
        return "json" if isinstance(doc, dict) and {"agency", "year", "cells"} <= doc.keys() else None
    if ext in ("html", "htm"):
        return "html" if re.search(r"<\s*(html|body|table|div|p)\b", text[:20000], re.I) else None
    return ext if ext in ("txt", "md") else None


ui.ensure_frame()
st.title("导入年报")
st.caption("上传年报文件（PDF、Word .docx、网页 .html、文本 .txt/.md，或结构化 .json），先解析和校验，确认后载入数据库。")
st.caption(f"每个文件不超过 {MAX_MB} MB；按文件内容而非扩展名判断类型。文件保存在服务器的 data/uploads/ 下。")
user = auth.require_writer("上传年报", "upload")
if user is None:
    st.stop()
files = st.file_uploader("选择文件", type=EXTS, accept_multiple_files=True, key="upload_files")
parsed = st.session_state.setdefault("upload_parsed", {})
rows, problems = [], []
for uf in files or []:
    data = uf.getvalue()
    if len(data) > MAX_MB * 1024 * 1024:
        problems.append((uf.name, f"文件过大（上限 {MAX_MB} MB）"))
        continue
    kind = content_kind(data, uf.name)
    if kind is None:
        problems.append((uf.name, "文件内容与扩展名不符，或不是受支持的年报格式"))
        continue
    key = hashlib.sha256(data).hexdigest()
    if key not in parsed:
        with st.spinner(f"正在解析 {uf.name}…"):
            parsed[key] = parse_upload(data, uf.name, uploads_dir())
    item = parsed[key]
    if "error" in item:
        problems.append((uf.name, item["error"]))
        continue
    rep, cks = item["report"], item["checks"]
    fails = [c for c in cks if c["status"] == "fail"]
    rows.append({"文件": uf.name, "机构": rep.agency, "年度": rep.year, "模板": rep.template,
                 "单元格": len(rep.cells), "读取不确定": len(rep.uncertain), "校验未通过": len(fails),
                 "示例数据": rep.synthetic, "_key": key})

if problems:
    st.error("以下文件无法导入：")
    st.dataframe(pd.DataFrame(problems, columns=["文件", "原因"]), hide_index=True, width="stretch")
if rows:
    table = pd.DataFrame(rows)
    st.subheader("解析结果")
    st.dataframe(table.drop(columns="_key"), hide_index=True, width="stretch")
    for r in rows:
        item = parsed[r["_key"]]
        fails = [c for c in item["checks"] if c["status"] == "fail"]
        if fails or item["report"].uncertain:
            with st.expander(f"{r['文件']}：{len(fails)} 项校验未通过，{len(item['report'].uncertain)} 个单元格不确定"):
                if fails:
                    st.dataframe(pd.DataFrame(fails), hide_index=True, width="stretch")
                if item["report"].uncertain:
                    st.dataframe(pd.DataFrame(list(item["report"].uncertain.items()), columns=["单元格", "原因"]),
                                 hide_index=True, width="stretch")
    st.caption("校验未通过不妨碍载入：数据保留年报所印的数字，问题会在“数据质量”页列出。")
    if st.button("载入数据库", type="primary", icon=":material/database_upload:", key="upload_load"):
        reports = [parsed[r["_key"]]["report"] for r in rows]
        prepared = {rid: cells for r in rows for rid, cells in parsed[r["_key"]]["rows"].items()}
        ui.reload_data()  # close our read-only connection before the publisher swaps the file
        with st.spinner("正在载入…"):
            summary = load_uploaded(reports, ui.db_path(), prepared, user)
        ui.reload_data()
        st.session_state["upload_parsed"] = {}
        st.success(f"已载入：新增 {summary.loaded} 份，替换 {summary.replaced} 份，未变 {summary.unchanged} 份。"
                   "各页面已刷新为新数据。")
        if summary.failed:
            st.warning(f"失败：{summary.failed}")
