import streamlit as st
import ui
f = ui.page_header("TODO", "")
