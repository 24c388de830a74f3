"""What a report shows, shaped once for the page, the PDF and the spreadsheets:
labels of statuses, bar widths, charts and trends."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from lms.coverage import charts
from lms.coverage.selectors import CoverageReport, Figures, IndicatorResult, Status, trend_for_unit

STATUS_LABELS = {
    Status.MET: _("Đạt"),
    Status.ON_TRACK: _("Đúng tiến độ"),
    Status.BEHIND: _("Chậm tiến độ"),
    Status.NO_DATA: _("Chưa có số liệu"),
}
STATUS_CLASSES = {
    Status.MET: "badge-ok",
    Status.ON_TRACK: "badge-warn",
    Status.BEHIND: "badge-bad",
    Status.NO_DATA: "badge-none",
}


def met_label(row: Figures) -> str:
    if row.met is None:
        return str(_("Chưa có số liệu"))
    return str(_("Đạt")) if row.met else str(_("Chưa đạt"))


@dataclass
class ResultView:
    """One indicator as displayed: the figures, their status and bar geometry."""

    result: IndicatorResult
    status_label: str
    status_class: str
    bar_percent: float  # width of the value bar, 0–100
    target_percent: float  # where the target marker sits, 0–100
    trend_svg: str = ""

    @property
    def indicator(self):
        return self.result.indicator

    @property
    def total(self) -> Figures:
        return self.result.total


def _geometry(result: IndicatorResult) -> tuple[float, float]:
    ind = result.indicator
    top = Decimal(ind.target)
    if ind.is_percent:
        top = max(top, Decimal(100))
    if result.total.value is not None:
        top = max(top, Decimal(result.total.value))
    top = top or Decimal(1)
    value = Decimal(result.total.value or 0)
    return float(value / top * 100), float(Decimal(ind.target) / top * 100)


@dataclass
class ReportView:
    report: CoverageReport
    results: list[ResultView]
    compare: IndicatorResult | None
    bars_svg: str
    compare_svgs: list[str]

    @property
    def compare_svg(self) -> str:
        return self.compare_svgs[0] if self.compare_svgs else ""

    @property
    def has_children(self) -> bool:
        return bool(self.report.children)

    def breakdown_rows(self) -> list[tuple]:
        """One row per child unit: the unit and, per indicator, (indicator, figures)."""
        return [
            (child, [(result.indicator, result.breakdown[i]) for result in self.report.results])
            for i, child in enumerate(self.report.children)
        ]

    def total_row(self) -> list[tuple]:
        return [(result.indicator, result.total) for result in self.report.results]


def report_view(
    report: CoverageReport, *, compare: str | None = None, compare_rows_per_chart: int | None = None
) -> ReportView:
    """Everything the page (and the PDF) shows for ``report``; reads the
    month-end snapshots of the report's unit (one query)."""
    snapshots = trend_for_unit(plan=report.plan, unit=report.org_unit, until=report.as_of)
    results = []
    for result in report.results:
        bar, target = _geometry(result)
        results.append(
            ResultView(
                result=result,
                status_label=str(STATUS_LABELS[result.status]),
                status_class=STATUS_CLASSES[result.status],
                bar_percent=min(bar, 100.0),
                target_percent=min(target, 100.0),
                trend_svg=charts.trend(
                    result,
                    snapshots.get(result.indicator.pk, []),
                    start=report.plan.start_date,
                    end=report.plan.end_date,
                    as_of=report.as_of,
                ),
            )
        )
    chosen = next((r for r in report.results if r.indicator.code == compare), None)
    if chosen is None and report.results:
        chosen = report.results[0]
    return ReportView(
        report=report,
        results=results,
        compare=chosen,
        bars_svg=charts.indicator_bars(report),
        compare_svgs=(
            charts.unit_comparison(chosen, report.elapsed, per_chart=compare_rows_per_chart)
            if chosen is not None and report.children
            else []
        ),
    )
