"""Python 3.11, 3.12 and 3.13 are supported: the package says so, and CI installs it on 3.12
and 3.13 (a quick install-and-smoke check; the full suite runs on the default Python)."""

import tomllib
from pathlib import Path

from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[2]


def test_requires_python_admits_3_11_to_3_13_only() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    supported = SpecifierSet(project["requires-python"])
    for version in ("3.11.0", "3.11.7", "3.12.1", "3.13.0"):
        assert version in supported, version
    for version in ("3.10.13", "3.14.0"):
        assert version not in supported, version  # Django 5.2 and the pinned wheels: untested


def test_ci_smoke_checks_3_12_and_3_13() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    makefile = (ROOT / "Makefile").read_text()
    assert "for version in 3.12 3.13" in ci and "make smoke" in ci
    smoke = makefile.split("\nsmoke:", 1)[1].split("\n\n", 1)[0]
    for step in ("pip install", "pip check", "django check", "migrate", "extract_claims"):
        assert step in smoke, step
