"""`manage.py check` warns, clearly and without failing, when the Pango/HarfBuzz libraries
PDF export needs are missing (simulated by making every library load fail), and WeasyPrint
loads when the check is quiet."""

from io import StringIO
from typing import Any

import cffi
import pytest
from django.core.management import call_command


def _report() -> str:
    out, err = StringIO(), StringIO()
    call_command("check", stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_check_is_quiet_when_pdf_libraries_are_there() -> None:
    assert "claims.W001" not in _report()
    import weasyprint  # what the check stands for: it loads

    assert weasyprint.HTML(string="<p>ok</p>").write_pdf()[:5] == b"%PDF-"


def test_check_warns_when_pango_and_harfbuzz_are_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(self: Any, name: str, flags: int = 0) -> None:
        raise OSError(f"cannot load library {name!r}: No such file or directory")

    monkeypatch.setattr(cffi.FFI, "dlopen", missing)
    report = _report()
    assert "claims.W001" in report
    assert "PDF export is unavailable" in report
    assert "Pango" in report and "HarfBuzz" in report
    assert "apt-get install libpango-1.0-0" in report
