"""Small server-side SVG charts (no JavaScript, no inline style: the CSP allows SVG attributes)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

PALETTE = ["#0b5cad", "#1a7f37", "#b08800", "#d4720b", "#cf4a1f", "#b3261e", "#6e7781", "#8250df"]


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    colour: str = ""


def bars(items: list[Bar], *, title: str, unit: str = "", width: int = 520) -> SafeString:
    """A horizontal bar chart with its numbers written out (readable without colour)."""
    if not items:
        return format_html('<p class="meta">Nothing to show yet.</p>')
    row, label_width = 26, 170
    height = max(1, len(items)) * row + 10
    top = max((item.value for item in items), default=0) or 1
    rows = []
    for index, item in enumerate(items):
        y = index * row + 5
        length = int((width - label_width - 70) * item.value / top)
        colour = item.colour or PALETTE[index % len(PALETTE)]
        rows.append(
            (
                y + 16,
                item.label,
                label_width,
                y + 3,
                max(length, 1),
                colour,
                label_width + length + 6,
                y + 16,
                _number(item.value),
                unit,
            )
        )
    body = format_html_join(
        "",
        '<text x="0" y="{}" class="chart-label">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="18" fill="{}" rx="3"></rect>'
        '<text x="{}" y="{}" class="chart-value">{}{}</text>',
        rows,
    )
    return format_html(
        '<svg class="chart" role="img" aria-label="{}" viewBox="0 0 {} {}" width="{}" height="{}">'
        "<title>{}</title>{}</svg>",
        title,
        width,
        height,
        width,
        height,
        title,
        body,
    )


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
