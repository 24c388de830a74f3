"""Charts drawn on the server as SVG: no JavaScript, same picture on the page
and in the PDF.

Each chart is a self-contained ``<svg>`` with a ``viewBox``: it scales to its
box, and its text stays legible on a 360 px phone because labels sit on
their own line above each bar rather than beside it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from fractions import Fraction

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from lms.coverage.models import Indicator, Snapshot
from lms.coverage.selectors import CoverageReport, Figures, IndicatorResult, Status, percent_value, status_of

WIDTH = 340
COLOURS = {
    Status.MET: "#0b6b4f",
    Status.ON_TRACK: "#c98a00",
    Status.BEHIND: "#a4262c",
    Status.NO_DATA: "#8a9692",
}
INK, MUTED, LINE, TRACK = "#1c2421", "#4f5b57", "#d5dcd9", "#e3e8e6"


def _fmt(value, indicator: Indicator) -> str:
    if value is None:
        return "–"
    if indicator.is_percent:
        return f"{number_format(Decimal(value), 1)}%"
    return number_format(value, 0, force_grouping=True)


def _target_label(indicator: Indicator) -> str:
    value = Decimal(indicator.target)
    places = 0 if value == value.to_integral_value() else 1
    shown = number_format(value, places, force_grouping=True)
    return _("Mục tiêu %(target)s") % {"target": f"{shown}%" if indicator.is_percent else shown}


def _scale_max(indicator: Indicator, values: list) -> Decimal:
    top = Decimal(indicator.target)
    if indicator.is_percent:
        top = max(top, Decimal(100))
    for value in values:
        if value is not None:
            top = max(top, Decimal(value))
    return top or Decimal(1)


def _status_for(row: Figures, indicator: Indicator, elapsed: Fraction) -> str:
    return status_of(indicator, row, elapsed)[0]


def _svg(height: int, body: list[str], title: str) -> SafeString:
    return mark_safe(  # noqa: S308 - every text below goes through escape()
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" class="chart" '
        f'font-family="DejaVu Sans, Noto Sans, Arial, sans-serif" font-size="13">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def _bar_row(
    y: int, label: str, value, target, top: Decimal, colour: str, value_text: str, target_text: str | None
) -> list[str]:
    left, span = 0, WIDTH - 62
    width = 0 if value is None else float(Decimal(value) / top) * span
    parts = [
        f'<text x="{left}" y="{y + 13}" fill="{INK}">{escape(label)}</text>',
        f'<rect x="{left}" y="{y + 18}" width="{span}" height="14" rx="3" fill="{TRACK}"/>',
        f'<rect x="{left}" y="{y + 18}" width="{width:.1f}" height="14" rx="3" fill="{colour}"/>',
        f'<text x="{span + 5}" y="{y + 30}" fill="{INK}" font-weight="bold" font-size="12">'
        f"{escape(value_text)}</text>",
    ]
    if target is not None:
        tx = float(Decimal(target) / top) * span
        parts.append(
            f'<line x1="{tx:.1f}" y1="{y + 15}" x2="{tx:.1f}" y2="{y + 35}" stroke="{INK}" stroke-width="2"/>'
        )
        if target_text:
            anchor = "end" if tx > span / 2 else "start"
            parts.append(
                f'<text x="{tx:.1f}" y="{y + 47}" fill="{MUTED}" font-size="11" text-anchor="{anchor}">'
                f"{escape(target_text)}</text>"
            )
    return parts


def indicator_bars(report: CoverageReport) -> SafeString:
    """One bar per indicator against its target (the marker)."""
    row_h = 56
    body: list[str] = []
    for i, result in enumerate(report.results):
        ind = result.indicator
        top = _scale_max(ind, [result.total.value])
        body += _bar_row(
            i * row_h,
            _short(ind.name, 44),
            result.total.value,
            ind.target,
            top,
            COLOURS[result.status],
            _fmt(result.total.value, ind),
            _target_label(ind),
        )
    title = _("Kết quả từng chỉ tiêu so với mục tiêu")
    return _svg(max(row_h * len(report.results), 20), body, title)


def unit_comparison(
    result: IndicatorResult, elapsed: Fraction, *, per_chart: int | None = None
) -> list[SafeString]:
    """One bar per direct child unit for one indicator, the target marked;
    split into charts of ``per_chart`` rows (a PDF page holds about 20)."""
    ind = result.indicator
    row_h = 40
    rows = result.breakdown
    top = _scale_max(ind, [row.value for row in rows])
    size = per_chart or max(len(rows), 1)
    title = _("So sánh các địa bàn: %(indicator)s") % {"indicator": ind.name}
    svgs = []
    for first in range(0, len(rows), size):
        body: list[str] = []
        for i, row in enumerate(rows[first : first + size]):
            body += _bar_row(
                i * row_h,
                _short(row.org_unit.name, 44),
                row.value,
                ind.target,
                top,
                COLOURS[_status_for(row, ind, elapsed)],
                _fmt(row.value, ind),
                None,
            )
        svgs.append(_svg(max(row_h * len(rows[first : first + size]), 20), body, title))
    return svgs


def _month_index(day: datetime.date, start: datetime.date) -> int:
    return (day.year - start.year) * 12 + day.month - start.month


def trend(
    result: IndicatorResult,
    snapshots: list[Snapshot],
    *,
    start: datetime.date,
    end: datetime.date,
    as_of: datetime.date,
) -> SafeString:
    """Month-end values of one indicator (from snapshots) in one slot per
    month of the plan, the report's own figure in its month's slot, the
    target line and the pro-rata path to it."""
    ind = result.indicator
    by_month: dict[int, object] = {}
    for snap in snapshots:
        if snap.as_of < as_of:
            value = percent_value(snap.numerator, snap.denominator or 0) if ind.is_percent else snap.numerator
            by_month[_month_index(snap.as_of, start)] = value
    months = max(_month_index(end, start) + 1, 1)
    current = min(max(_month_index(as_of, start), 0), months - 1)
    by_month[current] = result.total.value
    top = _scale_max(ind, list(by_month.values()))
    # room on the left for the axis label, however many digits it has
    height, plot_top, plot_bottom, left, right = (
        180,
        26,
        144,
        max(40, 7 * len(_axis(top, ind)) + 8),
        WIDTH - 4,
    )
    slot = (right - left) / months

    def y_of(value) -> float:
        return plot_bottom - (plot_bottom - plot_top) * float(Decimal(value) / top)

    ty = y_of(ind.target)
    body = [
        f'<line x1="{left}" y1="{plot_bottom}" x2="{right}" y2="{plot_bottom}" stroke="{LINE}"/>',
        f'<text x="{left - 4}" y="{plot_top + 4}" fill="{MUTED}" font-size="11" text-anchor="end">'
        f"{escape(_axis(top, ind))}</text>",
        f'<text x="{left - 4}" y="{plot_bottom}" fill="{MUTED}" font-size="11" text-anchor="end">0</text>',
        # Legend above the plot, so that no label hides a bar.
        f'<line x1="{left}" y1="9" x2="{left + 16}" y2="9" stroke="{INK}" stroke-dasharray="5 3"/>',
        f'<text x="{left + 20}" y="13" fill="{INK}" font-size="11">{escape(_target_label(ind))}</text>',
    ]
    for month in range(months):
        value = by_month.get(month)
        cx = left + slot * (month + 0.5)
        if value is not None:
            y = y_of(value)
            colour = COLOURS[result.status] if month == current else "#6c9f8c"
            body.append(
                f'<rect x="{cx - slot * 0.36:.1f}" y="{y:.1f}" width="{slot * 0.72:.1f}" '
                f'height="{max(plot_bottom - y, 0):.1f}" fill="{colour}"/>'
            )
        if months <= 12 or month % 3 == 0:
            label = (start.month - 1 + month) % 12 + 1
            body.append(
                f'<text x="{cx:.1f}" y="{plot_bottom + 14}" fill="{MUTED}" font-size="10" '
                f'text-anchor="middle">{label:02d}</text>'
            )
    body.append(
        f'<line x1="{left}" y1="{ty:.1f}" x2="{right}" y2="{ty:.1f}" stroke="{INK}" stroke-dasharray="5 3"/>'
    )
    body.append(
        f'<line x1="{left}" y1="{plot_bottom}" x2="{right}" y2="{ty:.1f}" stroke="{MUTED}" stroke-dasharray="2 3"/>'
    )
    value = by_month.get(current)
    if value is not None:
        cx = left + slot * (current + 0.5)
        anchor = "end" if cx > right - 24 else "middle"
        x = right if anchor == "end" else cx
        body.append(
            f'<text x="{x:.1f}" y="{y_of(value) - 4:.1f}" fill="{INK}" font-size="11" font-weight="bold" '
            f'text-anchor="{anchor}">{escape(_fmt(value, ind))}</text>'
        )
    body.append(
        f'<text x="{left}" y="{height - 4}" fill="{MUTED}" font-size="11">'
        f"{escape(_('Tháng (số liệu cuối tháng)'))}</text>"
    )
    return _svg(height, body, _("Diễn biến theo tháng: %(indicator)s") % {"indicator": ind.name})


def _axis(value, indicator: Indicator) -> str:
    shown = number_format(Decimal(value).quantize(Decimal(1)), 0, force_grouping=True)
    return f"{shown}%" if indicator.is_percent else shown


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
