"""docs/metrics.md has one entry per registry metric and says what the registry says."""

from smm import metrics_doc
from smm.metrics import REGISTRY


def test_every_registered_metric_has_a_doc_entry_with_formula_unit_direction_and_settings():
    text = metrics_doc.DOC_PATH.read_text(encoding="utf-8")
    for m in REGISTRY.values():
        head = f"### `{m.id}` — {m.zh} / {m.en}"
        assert head in text, f"docs/metrics.md has no entry for {m.id}"
        entry = text.split(head, 1)[1].split("\n### ", 1)[0]
        for field in ("formula (en)", "formula (zh)", "unit", "direction", "settings", "explanation (en)",
                      "explanation (zh)"):
            assert f"| {field} |" in entry, (m.id, field)
        assert m.explain_en in entry and m.explain_zh in entry


def test_docs_are_generated_from_the_current_registry():
    assert metrics_doc.DOC_PATH.read_text(encoding="utf-8") == metrics_doc.markdown(), \
        "docs/metrics.md is stale: run python -m smm.metrics_doc"
