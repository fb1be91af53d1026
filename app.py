"""smm entry point: owns the shared sidebar (filters mirrored in the URL) and the page navigation."""

from pathlib import Path

import streamlit as st

from smm import auth, ui

st.set_page_config(page_title="smm", page_icon=":material/insights:", layout="wide",
                   initial_sidebar_state=ui.sidebar_state())

ROOT = Path(__file__).resolve().parent
# The menu first: until st.navigation has run, Streamlit lists the raw files of pages/ ("app", "kol", …), and
# that list would stay on screen through the sign-in page and the first start's sample load.
# The default page (the Overview) is served at "/" only, yet still reserves its own pathname: it reserves one
# nobody types, and a hidden page takes "/overview" (typed, or an old bookmark: it showed "Page not found") and
# opens the Overview at "/" with the URL's filters.
pages = [st.Page(path, title=ui.t(title), icon=icon, url_path="_home" if i == 0 else url, default=(i == 0))
         for i, (path, title, icon, url) in enumerate(ui.PAGES) if (ROOT / path).exists()]


def _home() -> None:
    st.switch_page(pages[0], query_params={k: st.query_params.get_all(k) for k in st.query_params})


pages.append(st.Page(_home, title=pages[0].title, url_path=ui.PAGES[0][3], visibility="hidden"))
nav = st.navigation(pages)
auth.gate()  # optional team login (SMM_AUTH=oidc): no page runs and no data is read before it passes
c = ui.con()
ui.take_uploads(c)  # first: files just added to the Data page's uploader are loaded whatever the user clicks next
with ui.rerun_if_store_stops():      # an upload just taken may fail to write (disk full) while this run reads
    if ui.first_start(c):
        ui.seed_language()
        ui.load_sample_with_progress()
    if nav.url_path != ui.PAGES[-1][3]:   # the Data page shows its own uploads' progress and reports
        ui.uploads_elsewhere()
    ui.sidebar(c)
    ui.apply_presentation()
    if ui.presenting():
        st.button(ui.t("present.exit"), key="present_exit", on_click=ui.exit_presentation)
    nav.run()
