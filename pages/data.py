"""Data page: upload exports, see what was loaded, delete batches, rates, templates."""

import dataclasses

import streamlit as st

from smm import ingest, mapping, queries, sample, templates, ui
from smm.profiles import KINDS, builtin_profiles
from smm.schema import PLATFORMS

c = ui.con()
L = ui.lang()
st.title(ui.t("data.title"))

top = st.container()  # the sample-data notice, filled once this run's uploads are in

# A delete closes its popover: left open, it offered the next batch (or format) at once, under the same button, where a
# second click would delete it too. (Set before the popovers are drawn: Streamlit takes their state only then.)
DELETE_POPOVERS = ("batch_delete_popover", "format_delete_popover")
if st.session_state.pop("_close_delete_popovers", False):
    for k in DELETE_POPOVERS:
        st.session_state[k] = False

saved_formats = mapping.saved_formats(c)       # (profile, saved at, files loaded with it)
user_profiles = tuple(p for p, _, _ in saved_formats)
profiles = (*user_profiles, *builtin_profiles())
profile_ids = ["auto"] + [p.id for p in profiles]   # text: see ui.sidebar's resend
names_in = {x: ui.profile_names(profiles, x) for x in ui.i18n.LANGS}
names = names_in[L]


def profile_in(x: str, lang: str) -> str:      # the format choice's label in either language (ui.unlabel)
    return ui.upload_profile_label(x, names_in[lang], lang)


with st.expander(ui.t("data.profile") + " · " + ui.t("data.as_of") + " · " + ui.t("data.on_invalid")):
    with st.container(key="smm_row_upload_options"):
        col1, col2, col3, col4 = st.columns(4)
    ui.unlabel_state("up_profile", profile_ids, label=profile_in)
    col1.selectbox(ui.t("data.profile"), profile_ids, key="up_profile", format_func=lambda x: profile_in(x, L))
    as_of = col2.date_input(ui.t("data.as_of"), value=None, key="up_as_of", help=ui.t("data.as_of_help"))
    ui.unlabel_state("up_on_invalid", ["reject", "load_valid"])
    # Read by the entry point (ui.upload_options) when it hands the files added below to a load.
    col3.radio(ui.t("data.on_invalid"), ["reject", "load_valid"], key="up_on_invalid",
               format_func=lambda x: ui.i18n.t(f"data.on_invalid.{x}", L))
    col4.radio(ui.t("data.decimal"), [".", ","], key="up_decimal", horizontal=True,
               format_func=lambda x: "1,234.56" if x == "." else "1.234,56")

ui.localize_uploader()
st.file_uploader(ui.t("data.upload"), accept_multiple_files=True, key="uploader",
                 help=ui.t("data.upload_help"))
# The files just added were handed to a load by the entry point (ui.take_uploads), before anything a click could
# stop; follow it to its end.
ui.follow_uploads()
ui.adopt_abandoned_uploads()
ui.interrupted_uploads_notice()
reports = st.session_state.setdefault("_reports", [])

with st.container():     # (always drawn, so that what follows keeps its place when the first report comes)
    if reports:
        st.subheader(ui.t("data.report"))
        for i, r in enumerate(reversed(reports[-20:])):
            ui.render_report(r, i, names)
            # A file rejected for some of its rows: its valid rows are one click away (the same file and options,
            # the bad rows left out), while the file is still in the uploader.
            # (The bytes are read on the click only: a week's export can be large, and the page reruns often.)
            if r.status == "rejected" and r.rows_valid and r.options and ui.uploaded(r.file):
                if st.button(ui.tn("data.load_valid_now", r.rows_valid), key=f"load_valid_{i}",
                             icon=":material/playlist_add_check:") and (data := ui.uploaded_bytes(r.file, r.sha256)):
                    again = dataclasses.replace(r.options, on_invalid="load_valid", lang=L)
                    ui.load_uploads([(r.file, data)], again, user_profiles, replaces=r)
                    st.rerun()
            # A report with no date column and no period stated: the day it is dated is asked here, where it is said.
            if r.status == "rejected" and r.options and ui.undated(r) and ui.uploaded(r.file):
                with st.container(key=f"smm_row_undated_{i}", horizontal=True, vertical_alignment="bottom"):
                    day = st.date_input(ui.t("data.undated_day"), value=None, key=f"undated_day_{r.sha256}",
                                        format="YYYY-MM-DD", width=220)
                    # Not disabled while empty: a day typed in is sent when the field loses focus, on the press of
                    # this button, so a disabled one would need a second click.
                    go = st.button(ui.t("data.undated_load"), key=f"undated_load_{i}",
                                   icon=":material/event_available:")
                if go and day is None:
                    st.caption(ui.t("data.undated_pick"))
                elif go and (data := ui.uploaded_bytes(r.file, r.sha256)):
                    again = dataclasses.replace(r.options, as_of=day, period=None, lang=L)
                    ui.load_uploads([(r.file, data)], again, user_profiles, replaces=r)
                    st.rerun()

with top:
    if sample.sample_loaded(c):
        # Offered while any sample batch is loaded: beside real uploads it would skew their totals.
        st.info(ui.t("sample.banner_here") if queries.sample_only(c) else ui.t("ingest.sample_mixed"))
        if st.button(ui.t("sample.clear"), key="clear_sample"):
            sample.clear_sample(c)
            st.cache_data.clear()
            st.success(ui.t("sample.cleared"))
    elif not queries.has_live_data(c):
        if st.button(ui.t("sample.load"), key="load_sample"):
            ui.load_sample_with_progress()

# A format we do not know yet: map it once, recognised automatically next time. Plain widgets, not a form: each pick
# is in Session State at once, so a language switch (ui.sidebar sends every plain value again) shows the picks in the
# new language and keeps them; a form kept the old language's words, and a pick not yet sent showed none.
# Always drawn (empty without an unknown file), so that what follows keeps its place on the page: an expander or
# popover below stays open when the step goes (a rerun that moved them redrew them closed).
mapping_step = st.container()
unknown = [r for r in reports if r.status == "unrecognised" and r.headers]
with mapping_step:
    if unknown:
        r = unknown[-1]
        if st.session_state.get("_map_file") != (r.file, tuple(r.headers)):     # another file: its own choices
            for key in [k for k in st.session_state if isinstance(k, str) and k.startswith("map_")]:
                del st.session_state[key]
            st.session_state["_map_file"] = (r.file, tuple(r.headers))
        st.subheader(ui.t("data.mapping") + f" — {r.file}")
        st.caption(ui.t("data.mapping_preview"))
        ui.dataframe(ui.preview_frame(r), hide_index=True)
        # What the headers (and a date column's values) say: the step starts from it; the user checks each.
        sug = mapping.suggest(r.headers, r.preview, r.file)
        if sug.columns:
            st.caption(ui.t("data.mapping_suggested", n=len(sug.columns), of=len(r.headers)))
        with st.container(border=True, key="smm_mapping"):
            with st.container(key="smm_row_mapping_format"):
                c1, c2, c3 = st.columns(3)
            kinds = [k for k in KINDS if k in ("daily", "snapshot")]
            ui.unlabel_state("map_platform", PLATFORMS, label=ui.i18n.platform_label)
            ui.unlabel_state("map_kind", kinds)
            # No platform named by the file: none chosen (it was 抖音, the first, whatever the file was).
            m_platform = c1.selectbox(ui.t("data.mapping_platform"), PLATFORMS, key="map_platform",
                                      format_func=lambda x: ui.i18n.platform_label(x, L),
                                      placeholder=ui.t("data.mapping_platform_pick"),
                                      **ui.initial("map_platform", index=PLATFORMS.index(sug.platform)
                                                   if sug.platform else None))
            # A radio: both kinds stay in sight with their explanation, which wraps (a select box cut it short).
            m_kind = c2.radio(ui.t("data.mapping_kind"), kinds, key="map_kind",
                              format_func=lambda x: ui.i18n.t(f"ingest.kind.{x}", L),
                              **ui.initial("map_kind", index=kinds.index(sug.kind)))
            m_name = c3.text_input(ui.t("data.mapping_name"), key="map_name",
                                   **ui.initial("map_name", value=r.file.rsplit(".", 1)[0]))
            clash = {p.id: p for p in user_profiles}.get(mapping.user_profile_id(m_name))
            if clash is not None:       # saving under this name replaces a format saved before
                c3.warning(ui.t("data.mapping_replaces", name=clash.label(L), id=clash.id))
            chosen = {}
            fields = [mapping.IGNORE, *mapping.MAPPABLE_FIELDS]
            # Rows of four that wrap (see ui.LAYOUT_CSS): on a narrow screen the columns still read in file order.
            with st.container(key="smm_row_mapping_columns"):
                for start in range(0, len(r.headers), 4):
                    for i, col in zip(range(start, min(start + 4, len(r.headers))), st.columns(4), strict=False):
                        ui.unlabel_state(f"map_col_{i}", fields, label=mapping.field_choice_label)
                        pick = col.selectbox(r.headers[i], fields, key=f"map_col_{i}",
                                             format_func=lambda x: mapping.field_choice_label(x, L),
                                             **ui.initial(f"map_col_{i}", index=fields.index(
                                                 sug.columns.get(i, mapping.IGNORE))))
                        chosen[i] = None if pick == mapping.IGNORE else pick
            if st.button(ui.t("data.mapping_save"), key="map_save"):
                try:
                    prof = mapping.build_user_profile(m_name, m_platform, m_kind, r.headers, chosen)
                except ValueError as e:
                    st.error(ui.t("data.mapping_need_platform" if str(e) == "platform" else "ingest.mapping_need_metric"))
                else:
                    mapping.save_user_profile(c, prof)
                    names[prof.id] = prof.label(L)
                    st.success(ui.t("data.mapping_saved", name=prof.id))
                    data = ui.uploaded_bytes(r.file, r.sha256)
                    loaded = [] if data is None else ui.load_uploads(
                        [(r.file, data)], ingest.LoadOptions(profile_id=prof.id, as_of=as_of, lang=L), (prof,),
                        replaces=r)
                    st.cache_data.clear()
                    if any(ui.undated(new) for new in loaded):  # its day is asked in the report list above
                        st.rerun()
                    for new in loaded:
                        ui.render_report(new, 999, names)

st.subheader(ui.t("data.history"))
with st.container():     # (always drawn: the table and the delete popover below keep their place)
    if gone := st.session_state.pop("_batch_deleted", None):
        st.success(ui.t("data.deleted", **gone))
hist = queries.batches(c)
if hist.empty:
    st.caption(ui.t("data.no_history"))
else:
    dates = {ui.i18n.field_label(k, L): st.column_config.DateColumn(format="YYYY-MM-DD")
             for k in ("date_min", "date_max", "as_of")}
    # Files with a platform column list every platform they hold: give that column room. The format's name is
    # sized to fit; batch and file stay in view when the table scrolls sideways.
    dates[ui.i18n.field_label("platform", L)] = st.column_config.TextColumn(width="medium")
    dates[ui.i18n.field_label("batch_id", L)] = st.column_config.NumberColumn(pinned=True)
    dates[ui.i18n.field_label("file_name", L)] = st.column_config.TextColumn(pinned=True)
    dates[ui.i18n.field_label("is_sample", L)] = st.column_config.CheckboxColumn()
    for k in ("rows_loaded", "rows_rejected", "rows_summary"):      # 1,000,000 not 1000000 on a projector
        dates[ui.i18n.field_label(k, L)] = st.column_config.NumberColumn(format="localized")
    ui.dataframe(ui.history_frame(hist, names), hide_index=True,
                 key="history_table", column_config=dates)
    live = hist[hist["status"] == "loaded"]
    if not live.empty:
        d1, d2 = st.columns([3, 1])
        by_batch = live.set_index("batch_id")
        newest = int(live["batch_id"].max())
        if st.session_state.get("_delete_pick_newest") != newest:
            # A file just loaded (or the newest deleted): offer the newest first (the pick stayed on the batch offered
            # before). Set, not dropped: a dropped value is not sent to the browser, which kept showing the old pick.
            st.session_state["delete_pick"] = st.session_state["_delete_pick_newest"] = newest
        pick = d1.selectbox(ui.t("data.delete_pick"), live["batch_id"].tolist(), key="delete_pick",
                            format_func=lambda b: f"#{b} · {by_batch.loc[b, 'file_name']}")
        # A second, explicit click: one stray click must not remove a week of data.
        with d2.popover(ui.t("data.delete"), width="stretch", key=DELETE_POPOVERS[0], on_change="rerun"):
            row = by_batch.loc[pick]
            st.warning(ui.t("data.delete_confirm", batch=pick, file=row["file_name"],
                            rows=f"{int(row['rows_loaded']):,}"))
            if st.button(ui.t("data.delete_yes"), key="delete_batch", type="primary"):
                if ingest.delete_batch(c, int(pick)):     # (said after the rerun that redraws the history)
                    st.session_state["_batch_deleted"] = {"batch": int(pick), "file": row["file_name"],
                                                          "rows": f"{int(row['rows_loaded']):,}"}
                st.cache_data.clear()
                st.session_state["_close_delete_popovers"] = True
                st.rerun()

with st.expander(ui.t("data.fx")):
    rates = ui.data_editor(queries.fx_rates(c), num_rows="dynamic", key="fx_editor", hide_index=True,
                           column_config={
                               "currency": st.column_config.TextColumn(
                                   ui.i18n.field_label("currency", L), required=True, max_chars=3,
                                   validate=r"^[A-Za-z]{3}$"),
                               "cny_per_unit": st.column_config.NumberColumn(
                                   ui.i18n.field_label("cny_per_unit", L), required=True, min_value=0,
                                   format="%.6g")})
    if st.button(ui.t("data.fx_save"), key="fx_save"):
        queries.save_fx_rates(c, dict(zip(rates["currency"], rates["cny_per_unit"], strict=True)))
        st.cache_data.clear()
        st.success(ui.t("data.fx_saved"))

with st.expander(ui.t("data.templates")):
    cols = st.columns(len(templates.TEMPLATES))
    for col, name in zip(cols, templates.TEMPLATES, strict=True):
        col.download_button(f"{name}.csv", templates.template_csv(name), file_name=f"{name}.csv", mime="text/csv",
                            key=f"tpl_csv_{name}")
        col.download_button(f"{name}.xlsx", templates.template_xlsx(name), file_name=f"{name}.xlsx",
                            key=f"tpl_xlsx_{name}")

# The formats saved in the mapping step: seen, and deleted when a mapping was wrong (with the batches it loaded).
with st.container():     # (always drawn: the expander below keeps its place, and stays open, with or without it)
    if done := st.session_state.pop("_format_deleted", None):
        st.success(ui.t("data.format_deleted_batches" if done["files"] else "data.format_deleted", **done))
# Read again: this run's uploads (above) may have loaded files with a saved format, or the mapping step saved one.
saved_formats = mapping.saved_formats(c)
if saved_formats:
    with st.expander(ui.t("data.saved_formats", n=len(saved_formats))):
        st.caption(ui.t("data.saved_formats_help"))
        ui.dataframe(mapping.saved_formats_table(saved_formats, L, ui.when), hide_index=True,
                     key="saved_formats_table",
                     column_config={ui.t("formats.columns"): st.column_config.TextColumn(width="large")})
        files_of = {p.id: n for p, _, n in saved_formats}
        f1, f2 = st.columns([3, 1])
        fpick = f1.selectbox(ui.t("data.format_delete_pick"), list(files_of), key="format_pick",
                             format_func=lambda x: ui.profile_label(x, names))
        with f2.popover(ui.t("data.format_delete"), width="stretch", key=DELETE_POPOVERS[1], on_change="rerun"):
            st.warning(ui.t("data.format_delete_confirm", name=names[fpick], id=fpick))
            n_files = files_of[fpick]
            with_batches = n_files > 0 and st.checkbox(ui.t("data.format_delete_batches", files=n_files),
                                                       key="format_delete_batches")
            if n_files and not with_batches:
                st.caption(ui.t("data.format_keeps_batches", files=n_files))
            if st.button(ui.t("data.format_delete_yes"), key="delete_format", type="primary"):
                gone = mapping.delete_user_profile(c, fpick, with_batches=with_batches)
                st.cache_data.clear()
                if gone is not None:
                    st.session_state["_format_deleted"] = {"name": names[fpick], "id": fpick, "files": gone}
                st.session_state["_close_delete_popovers"] = True
                st.rerun()

with st.expander(ui.t("data.formats")):
    ui.dataframe(mapping.formats_table(L), hide_index=True)
