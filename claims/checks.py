"""System checks (`manage.py check`, and every runserver/migrate start): what the machine
itself must provide, said before it is first needed."""

from __future__ import annotations

from typing import Any

from django.core import checks

PDF_LIBRARIES_MISSING = "claims.W001"

# The shared libraries WeasyPrint (PDF reports) loads when imported, under the names it tries
# (weasyprint/text/ffi.py of WeasyPrint 70). Loading them here takes milliseconds; importing
# WeasyPrint itself would add over a second to every management command.
PDF_LIBRARIES = {
    "GObject": ("libgobject-2.0-0", "gobject-2.0", "libgobject-2.0.so.0", "libgobject-2.0.0.dylib"),
    "Pango": ("libpango-1.0-0", "pango-1.0", "libpango-1.0.so.0", "libpango-1.0.dylib"),
    "HarfBuzz": ("libharfbuzz-0", "harfbuzz", "libharfbuzz.so.0", "libharfbuzz.0.dylib"),
    "Fontconfig": ("libfontconfig-1", "fontconfig", "libfontconfig.so.1", "libfontconfig.1.dylib"),
    "PangoFT2": (
        "libpangoft2-1.0-0",
        "pangoft2-1.0",
        "libpangoft2-1.0.so.0",
        "libpangoft2-1.0.dylib",
    ),
}


def missing_pdf_libraries() -> list[str]:
    import cffi

    ffi = cffi.FFI()
    missing = []
    for library, names in PDF_LIBRARIES.items():
        for name in names:
            try:
                ffi.dlopen(name)
                break
            except OSError:
                continue
        else:
            missing.append(library)
    return missing


@checks.register("reports")
def pdf_libraries(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """PDF reports need Pango and HarfBuzz: warn when they are missing instead of failing on
    the first PDF; everything else works without them."""
    missing = missing_pdf_libraries()
    if not missing:
        return []
    return [
        checks.Warning(
            "PDF export is unavailable: WeasyPrint cannot load "
            + ", ".join(missing)
            + " (it draws with Pango and HarfBuzz). CSV and Excel exports and the rest of "
            "the desk work without them.",
            hint=(
                "Install them, then restart: Debian/Ubuntu: apt-get install libpango-1.0-0 "
                "libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core; macOS: brew install "
                "pango. See the README's set-up section."
            ),
            id=PDF_LIBRARIES_MISSING,
        )
    ]
