"""The message table: both languages take the same values, and an English count agrees with its noun."""

from __future__ import annotations

import re
import string

import pytest

from smm import i18n

# Nouns an English message puts after a count; "1 rows" is the mistake this file guards against.
NOUNS = ("rows", "posts", "KOLs", "days", "cells", "columns", "views", "likes", "comments", "peers", "files",
         "batches", "weeks", "platforms", "values", "formats", "versions", "scenarios", "snapshots", "notes",
         "videos", "items", "times", "hours", "months", "campaigns", "ads", "creatives", "accounts")


def fields(text: str) -> dict[str, str]:
    """Each replacement field's name and format spec."""
    return {name: spec for _, name, spec, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize(("text", "values", "want"), [
    ("{n:row|rows} loaded", {"n": "1"}, "1 row loaded"),
    ("{n:row|rows} loaded", {"n": 1}, "1 row loaded"),
    ("{n:row|rows} loaded", {"n": "0"}, "0 rows loaded"),
    ("{n:row|rows} loaded", {"n": "1,234"}, "1,234 rows loaded"),
    ("{n:row|rows} loaded", {"n": 11}, "11 rows loaded"),
    ("{n:row|rows} loaded", {"n": "-1"}, "-1 rows loaded"),
    ("{n:row has|rows have} no year", {"n": "1"}, "1 row has no year"),
    ("{n:row has|rows have} no year", {"n": "21"}, "21 rows have no year"),
    ("{n} of {of:column|columns}; {x:.1f}; {c!r}", {"n": 1, "of": "1", "x": 2.25, "c": "a"}, "1 of 1 column; 2.2; 'a'"),
])
def test_a_count_takes_the_noun_that_agrees_with_it(monkeypatch, text, values, want):
    monkeypatch.setitem(i18n.MESSAGES, "test.count", (text, text))
    assert i18n.t("test.count", "en", **values) == want


def test_a_count_never_agrees_by_accident_of_its_type():
    assert [i18n.is_one(v) for v in (1, 1.0, "1", " 1 ", True, 0, "01", "1.5", "11", None)] == [
        True, True, True, True, False, False, False, False, False, False]


def test_both_languages_of_every_message_take_the_same_values():
    """A value only one language uses is a sign of a stale translation; a format spec only one has is fine (the
    English noun's agreement)."""
    odd = {k: (sorted(fields(zh)), sorted(fields(en))) for k, (zh, en) in i18n.MESSAGES.items()
           if set(fields(zh)) != set(fields(en))}
    assert not odd, odd


def test_every_plural_spec_gives_both_forms():
    bad = {k: spec for k, (zh, en) in i18n.MESSAGES.items() for spec in (*fields(zh).values(), *fields(en).values())
           if "|" in spec and not all(part.strip() for part in spec.split("|", 1))}
    assert not bad, bad


def test_no_english_message_reads_one_with_a_plural_noun():
    """Every value given as 1: a count before a plural noun must agree (`{n:row|rows}`), so no message can read
    "1 rows". Non-count values read "1" too and may trip this: word such a message so that it does not."""
    pat = re.compile(r"(?<![\d.,])1\)? (?:" + "|".join(NOUNS) + r")\b")
    bad = {}
    for k, (_, en) in i18n.MESSAGES.items():
        f = fields(en)
        if not f:
            continue
        text = i18n.t(k, "en", **dict.fromkeys(f, "1"))
        if pat.search(text):
            bad[k] = text
    assert not bad, bad
