"""smm entry point: owns the shared sidebar (filters mirrored in the URL) and the page navigation."""

from pathlib import Path

import streamlit as st

from smm import auth, ui

st.set_page_config(page_title="smm", page_icon=":material/insights:", layout="wide", initial_sidebar_state="expanded")

ROOT = Path(__file__).resolve().parent
# The menu first: until st.navigation has run, Streamlit lists the raw files of pages/ ("app", "kol", …), and
# that list would stay on screen through the sign-in page and the first start's sample load.
pages = [st.Page(path, title=ui.t(title), icon=icon, url_path=url, default=(i == 0))
         for i, (path, title, icon, url) in enumerate(ui.PAGES) if (ROOT / path).exists()]
nav = st.navigation(pages)
auth.gate()  # optional team login (SMM_AUTH=oidc): no page runs and no data is read before it passes
c = ui.con()
if ui.first_start(c):
    ui.load_sample_with_progress(c)
ui.sidebar(c)
ui.apply_presentation()
if ui.presenting():
    st.button(ui.t("present.exit"), key="present_exit", on_click=ui.exit_presentation)

nav.run()
