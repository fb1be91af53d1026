"""smm entry point: owns the shared sidebar (filters bound to the URL) and the page navigation."""

import streamlit as st

from smm import ui
from smm.i18n import t as _t

st.set_page_config(page_title="smm", page_icon="📊", layout="wide", initial_sidebar_state="expanded")

c = ui.con()
if ui.first_start(c):
    ui.load_sample_with_progress(c)
ui.sidebar(c)
ui.apply_presentation()
if st.session_state.get("present"):
    st.button(_t("present.exit", ui.lang()), key="present_exit", on_click=ui.exit_presentation)

L = ui.lang()
pages = [
    st.Page("pages/overview.py", title=_t("nav.overview", L), icon="📈", url_path="overview", default=True),
    st.Page("pages/data.py", title=_t("nav.data", L), icon="🗂️", url_path="data"),
]
st.navigation(pages).run()
