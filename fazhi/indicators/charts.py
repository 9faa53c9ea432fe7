"""Charts drawn on the server as SVG (no script, no CDN, no inline styles: the strict CSP holds).

Colours come from classes styled in indicators.css; sizes and positions are SVG attributes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | None
    status: str  # met / unmet / no_data


def _scale(values: Sequence[Decimal | None], target: Decimal) -> Decimal:
    top = max([v for v in values if v is not None] + [target, Decimal(1)])
    return top * Decimal("1.1")


def _num(value: Decimal) -> str:
    return f"{value.normalize():f}"


def bar_chart(bars: Sequence[Bar], *, target: Decimal, unit: str, title: str) -> SafeString:
    """Horizontal bars, one per unit, with the target as a dashed line; 无数据 written out."""
    if not bars:
        return mark_safe("")
    row, label_w, plot_w = 26, 170, 360
    height = row * len(bars) + 30
    top = _scale([b.value for b in bars], target)

    def x_of(v: Decimal) -> float:
        return round(label_w + float(v / top) * plot_w, 1)

    parts = [
        format_html(
            '<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" '
            'width="{}" height="{}" role="img" aria-label="{}">',
            label_w + plot_w + 80,
            height,
            label_w + plot_w + 80,
            height,
            title,
        )
    ]
    for i, bar in enumerate(bars):
        y = 8 + i * row
        parts.append(
            format_html(
                '<text class="chart-label" x="{}" y="{}" text-anchor="end" font-size="12">{}</text>',
                label_w - 6,
                y + 14,
                bar.label[:14],
            )
        )
        if bar.value is None:
            parts.append(
                format_html(
                    '<text class="chart-nodata" x="{}" y="{}" font-size="12">无数据</text>',
                    label_w + 4,
                    y + 14,
                )
            )
            continue
        width = round(max(x_of(bar.value) - label_w, 1.0), 1)
        parts.append(
            format_html(
                '<rect class="bar {}" x="{}" y="{}" width="{}" height="18" rx="2"></rect>'
                '<text class="chart-value" x="{}" y="{}" font-size="12">{}{}</text>',
                bar.status,
                label_w,
                y + 2,
                width,
                round(label_w + width + 4, 1),
                y + 15,
                _num(bar.value),
                unit,
            )
        )
    tx = x_of(target)
    parts.append(
        format_html(
            '<line class="target-line" x1="{}" y1="4" x2="{}" y2="{}" '
            'stroke-dasharray="4 3"></line>'
            '<text class="chart-target" x="{}" y="{}" text-anchor="middle" font-size="11">'
            "目标 {}{}</text>",
            tx,
            tx,
            height - 16,
            tx,
            height - 4,
            _num(target),
            unit,
        )
    )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308  (each part escaped above)


def trend_chart(
    points: Sequence[tuple[int, Decimal | None]], *, target: Decimal, unit: str, title: str
) -> SafeString:
    """A line over the years; a year without data is a gap marked 无数据, never a zero."""
    if not points:
        return mark_safe("")
    width, height, left, bottom, top_pad = 420, 170, 46, 30, 14
    plot_w, plot_h = width - left - 20, height - bottom - top_pad
    top = _scale([v for _, v in points], target)
    step = plot_w / max(len(points) - 1, 1)

    def y_of(v: Decimal) -> float:
        return round(top_pad + plot_h - float(v / top) * plot_h, 1)

    parts = [
        format_html(
            '<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" '
            'width="{}" height="{}" role="img" aria-label="{}">'
            '<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"></line>',
            width,
            height,
            width,
            height,
            title,
            left,
            top_pad + plot_h,
            width - 10,
            top_pad + plot_h,
        )
    ]
    ty = y_of(target)
    parts.append(
        format_html(
            '<line class="target-line" x1="{}" y1="{}" x2="{}" y2="{}" '
            'stroke-dasharray="4 3"></line>'
            '<text class="chart-target" x="{}" y="{}" text-anchor="end" font-size="11">{}</text>',
            left,
            ty,
            width - 10,
            ty,
            left - 4,
            round(ty + 4, 1),
            _num(target),
        )
    )
    segment: list[str] = []
    segments: list[list[str]] = []
    for i, (year, value) in enumerate(points):
        x = round(left + i * step, 1)
        parts.append(
            format_html(
                '<text class="chart-label" x="{}" y="{}" text-anchor="middle" '
                'font-size="11">{}</text>',
                x,
                height - 10,
                year,
            )
        )
        if value is None:
            if segment:
                segments.append(segment)
            segment = []
            parts.append(
                format_html(
                    '<text class="chart-nodata" x="{}" y="{}" text-anchor="middle" '
                    'font-size="11">无数据</text>',
                    x,
                    top_pad + plot_h - 6,
                )
            )
            continue
        y = y_of(value)
        segment.append(f"{x:.1f},{y:.1f}")
        parts.append(
            format_html(
                '<circle class="point" cx="{}" cy="{}" r="3.5"></circle>'
                '<text class="chart-value" x="{}" y="{}" text-anchor="middle" '
                'font-size="11">{}{}</text>',
                x,
                y,
                x,
                round(y - 7, 1),
                _num(value),
                unit,
            )
        )
    if segment:
        segments.append(segment)
    for seg in segments:
        if len(seg) > 1:
            parts.append(
                format_html(
                    '<polyline class="trend" points="{}" fill="none"></polyline>', " ".join(seg)
                )
            )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308  (each part escaped above)
