"""Docs that fall behind the code fail a test."""

from pathlib import Path

from smm.profiles import builtin_profiles

ROOT = Path(__file__).resolve().parent.parent


def test_readme_starts_with_the_two_commands_and_ci_runs_the_second():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("```bash", 1)[1].split("```", 1)[0]
    commands = [ln.split("#")[0].strip() for ln in block.strip().splitlines()]
    assert commands == ["bash scripts/run.sh", "bash scripts/test.sh"]
    assert "bash scripts/test.sh" in (ROOT / ".ci" / "run").read_text()


def test_readme_lists_every_builtin_profile():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [p.id for p in builtin_profiles() if f"`{p.id}`" not in text]
    assert not missing, f"README formats table misses {missing}"
