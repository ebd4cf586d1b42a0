"""公开年报看板: the frame and router only.

Order matters (see shared research stack.md §1.1): page config → ``st.navigation`` → the
shared sidebar filters (bound to the URL) → ``pg.run()``.  Pages read the filters from
``ui.filters()``; they never import this module.
"""
from pathlib import Path

import streamlit as st

from app import ui

HERE = Path(__file__).resolve().parent


def page(name: str, title: str, url: str, icon: str, **kw) -> st.Page:
    return st.Page(HERE / "pages" / f"{name}.py", title=title, url_path=url, icon=f":material/{icon}:", **kw)


def run() -> None:
    st.set_page_config(page_title="公开年报看板", page_icon=":material/bar_chart:", layout="wide")
    pg = st.navigation({
        "分析": [
            page("overview", "总览", "overview", "dashboard", default=True),
            page("proactive", "主动公开", "proactive", "campaign"),
            page("requests", "依申请公开", "requests", "inbox"),
            page("applicants", "申请人构成", "applicants", "groups"),
            page("procurement_fees", "采购与收费", "procurement-fees", "payments"),
            page("review_litigation", "复议诉讼", "review-litigation", "gavel"),
            page("compare", "机构对比", "compare", "leaderboard"),
        ],
        "数据": [
            page("quality", "数据质量", "quality", "fact_check"),
            page("report", "报告详情", "report", "description"),
            page("export", "数据导出", "export", "download"),
            page("upload", "导入年报", "upload", "upload_file"),
        ],
    })
    ui.sidebar_filters()
    ui.mark_frame()
    pg.run()


run()
