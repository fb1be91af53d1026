"""Known-vulnerability audit of smm's dependencies (pip-audit), as CI runs it (scripts/test.sh).

    python scripts/audit.py [--strict-network]

Audits exactly the packages smm depends on: the pinned requirements of pyproject.toml (runtime, `test` and
`auth` extras) and everything they pull in, at the versions installed in this environment (the closure is
walked through the installed packages' metadata), not whatever else happens to be installed.

Exit status: 0 when no known vulnerability is reported; 1 when one is (a real finding always fails);
0 with a clear "NOT AUDITED" message when the vulnerability service cannot be reached (CI must not fail
for network reasons only), unless --strict-network is given.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NETWORK = re.compile(r"connection|timed? ?out|temporary failure|name resolution|network|unreachable|"
                     r"max retries|ssl|proxy|503|502|504|429", re.IGNORECASE)


def _name(req: str) -> str:
    return re.split(r"[\s<>=!~;\[]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def pinned_requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = list(project.get("dependencies", []))
    for extra in ("test", "auth"):
        reqs += project.get("optional-dependencies", {}).get(extra, [])
    unpinned = [r for r in reqs if "==" not in r]
    if unpinned:
        sys.exit(f"audit: every dependency must be pinned with ==; not pinned: {unpinned}")
    return reqs


def closure(reqs: list[str]) -> dict[str, str]:
    """name -> installed version for the requirements and, recursively, what they require."""
    from packaging.requirements import Requirement

    seen: dict[str, str] = {}
    todo = [Requirement(r) for r in reqs]
    while todo:
        req = todo.pop()
        name = req.name.lower().replace("_", "-")
        if name in seen:
            continue
        try:
            dist = metadata.distribution(req.name)
        except metadata.PackageNotFoundError:
            sys.exit(f"audit: {req.name} is required but not installed (pip install -e '.[test,auth]')")
        seen[name] = dist.version
        for sub in dist.requires or []:
            r = Requirement(sub)
            if r.marker is None or r.marker.evaluate({"extra": ""}):
                todo.append(r)
    return seen


def run_pip_audit(requirements: Path, service: str) -> tuple[dict | None, str]:
    """(pip-audit's JSON report or None, its error output)."""
    out = requirements.with_name(f"audit-{service}.json")
    try:
        res = subprocess.run([sys.executable, "-m", "pip_audit", "-r", str(requirements), "--no-deps", "--disable-pip",
                              "--vulnerability-service", service, "--progress-spinner", "off", "--format", "json",
                              "--output", str(out)], capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        return None, f"pip-audit timed out talking to the {service} service (network)"
    report = None
    if out.exists() and out.stat().st_size:
        try:
            report = json.loads(out.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            report = None
    return report, (res.stderr or res.stdout).strip()


def verdict(report: dict | None, errors: str, n_packages: int) -> tuple[str, list[str]]:
    """'vulnerable' | 'clean' | 'unreachable' | 'failed', with the lines to print."""
    if report is None:
        if NETWORK.search(errors):
            return "unreachable", [f"the vulnerability service could not be reached ({errors.splitlines()[-1]})"]
        return "failed", [f"pip-audit failed: {errors[-2000:]}"]
    deps = report.get("dependencies", [])
    found = [(d["name"], d["version"], v) for d in deps for v in d.get("vulns", [])]
    skipped = [d["name"] for d in deps if d.get("skip_reason")]
    lines = []
    for name, version, v in found:
        fix = ", ".join(v.get("fix_versions") or []) or "no fixed version yet"
        lines.append(f"VULNERABLE {name}=={version}: {v['id']} ({', '.join(v.get('aliases') or [])}) fixed in {fix}")
    if found:
        return "vulnerable", lines
    if skipped and len(skipped) * 2 >= max(n_packages, 1):
        # Packages everyone knows are on PyPI came back "not found": the service answered nothing useful.
        return "unreachable", [f"the vulnerability data could not be fetched for {len(skipped)} of {n_packages} "
                               f"packages (e.g. {', '.join(skipped[:5])})"]
    if skipped:
        lines.append(f"not checked (not on PyPI): {', '.join(skipped)}")
    return "clean", [*lines, f"{n_packages - len(skipped)} packages checked: no known vulnerabilities"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--strict-network", action="store_true", help="fail when the service cannot be reached")
    args = ap.parse_args()
    pkgs = closure(pinned_requirements())
    print(f"audit: {len(pkgs)} packages (smm's pinned dependencies and what they pull in)")
    with tempfile.TemporaryDirectory() as tmp:
        req = Path(tmp) / "requirements.txt"
        req.write_text("".join(f"{n}=={v}\n" for n, v in sorted(pkgs.items())), encoding="utf-8")
        for service in ("pypi", "osv"):          # OSV is the fallback when PyPI's JSON API does not answer
            status, lines = verdict(*run_pip_audit(req, service), len(pkgs))
            if status != "unreachable":
                break
            print(f"audit: {service}: {lines[0]}")
    if status == "unreachable":
        print("audit: NOT AUDITED — no vulnerability service could be reached; this does not fail the build "
              "(run `python scripts/audit.py --strict-network` where the network is available)")
        return 1 if args.strict_network else 0
    for line in lines:
        print(f"audit: {line}")
    return 0 if status == "clean" else 1


if __name__ == "__main__":
    sys.exit(main())
