"""公开年报看板: the frame and router only.

Order matters (see shared research stack.md §1.1): page config → ``st.navigation`` (the page
list is ``app.ui.app_pages()``) → the shared sidebar filters (bound to the URL) → ``pg.run()``.
Pages read the filters from ``ui.filters()``; they never import this module.
"""
import streamlit as st

from app import ui

def run() -> None:
    st.set_page_config(page_title="公开年报看板", page_icon=":material/bar_chart:", layout="wide")
    pg = st.navigation(ui.app_pages(), position="top")
    ui.sidebar_filters()
    ui.mark_frame()
    pg.run()


run()
