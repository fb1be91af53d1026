"""Column mappings saved by users: a new profile, recognised automatically next time."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import duckdb

from smm.profiles import Profile, profile_from_dict
from smm.schema import AUX_TABLES, FIELD_KINDS, METRICS

if TYPE_CHECKING:   # pandas only where a table is drawn: `smm ingest` starts without it (~0.4 s)
    import pandas as pd

MAPPABLE_FIELDS: tuple[str, ...] = tuple(f for f in FIELD_KINDS if f not in ("followers", "fee", "posts", "planned",
                                                                             "amount", "category", "note", "as_of"))
# The mapping step's choice for a column left out. Text, not None: a language switch sends every plain value again in
# the new language (ui.sidebar), and None is not one.
IGNORE = "ignore"


def field_choice_label(choice: str, lang: str) -> str:
    """A mapping choice as the mapping step shows it: "(ignore)", or the field's name in `lang`."""
    from smm.i18n import field_label, t

    return t("data.mapping_ignore", lang) if choice == IGNORE else field_label(choice, lang)


def user_profiles(con: duckdb.DuckDBPyConnection) -> tuple[Profile, ...]:
    """Every saved user profile."""
    rows = con.execute("SELECT definition FROM user_profiles ORDER BY created_at").fetchall()
    return tuple(profile_from_dict(json.loads(d), user_defined=True) for (d,) in rows)


def user_profile_id(name: str) -> str:
    """The id a format saved under `name` gets: saving another under a name with the same id replaces it."""
    # \w keeps Chinese names apart (两个中文名称不会都变成 user_custom 而互相覆盖).
    return "user_" + (re.sub(r"\W+", "_", name.strip().lower()).strip("_") or "custom")


def build_user_profile(name: str, platform: str | None, kind: str, headers: list[str],
                       columns: dict[int, str]) -> Profile:
    """A profile from the user's mapping (column index -> canonical field); every mapped header is required."""
    pid = user_profile_id(name)
    fields: dict[str, list[str]] = {}
    for i, f in columns.items():
        if f and f in FIELD_KINDS:
            fields.setdefault(f, []).append(headers[i])
    if not any(f in fields for f in (*METRICS, *AUX_TABLES.get(kind, ()))):
        raise ValueError("map at least one metric column")
    d = {"id": pid, "platform": platform, "label_zh": name, "label_en": name, "kind": kind,
         "columns": fields, "required": list(fields)}
    return profile_from_dict(d, user_defined=True)


def save_user_profile(con: duckdb.DuckDBPyConnection, profile: Profile) -> None:
    """Store (or replace) a user profile."""
    d = {"id": profile.id, "platform": profile.platform, "label_zh": profile.label_zh,
         "label_en": profile.label_en, "kind": profile.kind,
         "columns": {k: list(v) for k, v in profile.columns.items()}, "required": list(profile.required)}
    con.execute("INSERT OR REPLACE INTO user_profiles (profile_id, definition) VALUES (?, ?)",
                [profile.id, json.dumps(d, ensure_ascii=False)])


def delete_user_profile(con: duckdb.DuckDBPyConnection, profile_id: str, *, with_batches: bool = False) -> int | None:
    """Remove a saved format; None if there is none of that id, else how many batches went with it.

    The files loaded with it stay loaded unless `with_batches`: then each of its batches is deleted first
    (smm.ingest.delete_batch, newest first), and the format last, so a failure part way leaves it to retry.
    """
    if not con.execute("SELECT count(*) FROM user_profiles WHERE profile_id = ?", [profile_id]).fetchall()[0][0]:
        return None
    deleted = 0
    if with_batches:
        from smm.ingest import delete_batch

        for (batch,) in con.execute("SELECT batch_id FROM load_batches WHERE profile = ? AND status = 'loaded' "
                                    "ORDER BY batch_id DESC", [profile_id]).fetchall():
            deleted += delete_batch(con, batch)
    con.execute("DELETE FROM user_profiles WHERE profile_id = ?", [profile_id])
    return deleted


def saved_formats(con: duckdb.DuckDBPyConnection) -> list[tuple[Profile, object, int]]:
    """Every saved format with when it was saved and how many loaded files (batches not deleted) it read."""
    rows = con.execute(
        "SELECT u.definition, u.created_at, count(b.batch_id) FROM user_profiles u LEFT JOIN load_batches b "
        "ON b.profile = u.profile_id AND b.status = 'loaded' GROUP BY u.profile_id, u.definition, u.created_at "
        "ORDER BY u.created_at, u.profile_id"
    ).fetchall()
    return [(profile_from_dict(json.loads(d), user_defined=True), at, n) for d, at, n in rows]


def saved_formats_table(saved: list[tuple[Profile, object, int]], lang: str) -> pd.DataFrame:
    """The saved formats (`saved_formats()`) for the Data page, in the user's language: name, platform, kind, each
    mapped column (`header → field`, in the file's order of mapping), files loaded with it, when saved, and its id."""
    import pandas as pd

    from smm.i18n import field_label, platform_label, t

    rows = [{t("formats.name", lang): p.label(lang),
             t("formats.platform", lang): platform_label(p.platform, lang) if p.platform else "—",
             t("formats.kind", lang): t(f"kind.{p.kind}", lang),
             t("formats.columns", lang): " · ".join(f"{h} → {field_label(f, lang)}"
                                                   for f, headers in p.columns.items() for h in headers),
             t("formats.files", lang): n,
             t("formats.saved_at", lang): at,
             t("formats.id", lang): p.id}
            for p, at, n in saved]
    return pd.DataFrame(rows, columns=[t(f"formats.{k}", lang) for k in (
        "name", "platform", "kind", "columns", "files", "saved_at", "id")])


def formats_table(lang: str) -> pd.DataFrame:
    """The supported formats (built-in profiles) for the Data page, in the user's language: platform, format,
    kind of file, the fields a file must hold, and the format's id (what `smm ingest --profile` takes)."""
    import pandas as pd

    from smm.i18n import field_label, listing, platform_label, t
    from smm.profiles import builtin_profiles

    rows = [{t("formats.platform", lang): platform_label(p.platform, lang) if p.platform else "—",
             t("formats.format", lang): p.label(lang),
             t("formats.kind", lang): t(f"kind.{p.kind}", lang),
             t("formats.required", lang): listing((field_label(f, lang) for f in p.required), lang),
             t("formats.id", lang): p.id}
            for p in sorted(builtin_profiles(), key=lambda p: (p.platform is None, p.platform or "", p.id))]
    return pd.DataFrame(rows)
