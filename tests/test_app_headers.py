"""AppTest: every table on every page shows its column headers in the user's language, never a column id."""

from __future__ import annotations

import json
import re

import pytest
from conftest import app_test

PAGES = ["pages/overview.py", "pages/content.py", "pages/kol.py", "pages/budget.py", "pages/data.py"]
# A column id as the code names it (cny_per_unit, period_start, kol): what a user must never read as a header.
COLUMN_ID = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+|[a-z]+")


def shown_headers(frame) -> list[str]:
    """The headers a table shows: each column's configured label, else its name; hidden columns left out."""
    config = json.loads(frame.proto.columns or "{}")
    order = list(frame.proto.column_order)
    out = []
    for name in map(str, frame.value.columns):
        conf = config.get(name, {})
        if conf.get("hidden") or (order and name not in order):
            continue
        out.append(conf.get("label") or name)
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_table_header_is_words_not_a_column_id(sample_db, page, lang):
    at = app_test(lang=lang).run()
    if page != PAGES[0]:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    assert at.dataframe, f"{page} shows no table"
    raw = [(i, h) for i, frame in enumerate(at.dataframe) for h in shown_headers(frame) if COLUMN_ID.fullmatch(h)]
    assert not raw, raw
