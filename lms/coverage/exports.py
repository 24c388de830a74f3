"""Files of exactly what the report page shows: CSV (UTF-8 with a byte-order
mark, so Excel reads Vietnamese), XLSX (numbers as numbers, percentages
formatted) and an A4 PDF with the charts; and the people lists as CSV/XLSX.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.coverage.models import Indicator
from lms.coverage.presentation import STATUS_LABELS, met_label, report_view
from lms.coverage.selectors import CoverageReport, Figures, person_as_dict, person_places, report_as_dict
from lms.registry.models import Person

REPORT_FORMATS = ("json", "csv", "xlsx", "pdf")
PEOPLE_FORMATS = ("json", "csv", "xlsx")
CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def filename(report: CoverageReport, fmt: str, suffix: str = "") -> str:
    return f"bao-cao-{report.plan.code}-{report.org_unit.code}-{report.as_of:%Y%m%d}{suffix}.{fmt}"


def _headers() -> list[str]:
    return [
        _("Kế hoạch"),
        _("Tính đến ngày"),
        _("Mã địa bàn"),
        _("Địa bàn"),
        _("Mã chỉ tiêu"),
        _("Chỉ tiêu"),
        _("Loại"),
        _("Mục tiêu"),
        _("Số đạt"),
        _("Tổng số"),
        _("Kết quả"),
        _("Đạt"),
        _("Còn thiếu"),
        _("Tình trạng"),
    ]


def _rows(report: CoverageReport) -> Iterable[tuple[Indicator, Figures, str, bool]]:
    """Per indicator: the unit's own row (with its status), then each child's."""
    for result in report.results:
        yield result.indicator, result.total, str(STATUS_LABELS[result.status]), True
        for row in result.breakdown:
            yield result.indicator, row, "", False


def _plain(value) -> str:
    if value is None:
        return ""
    return str(value)


def report_csv(report: CoverageReport) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_headers())
    for ind, row, status, _own in _rows(report):
        writer.writerow(
            [
                report.plan.code,
                report.as_of.strftime("%d/%m/%Y"),
                row.org_unit.code,
                row.org_unit.name,
                ind.code,
                ind.name,
                ind.get_kind_display(),
                _plain(_number(ind.target)),
                row.numerator,
                _plain(row.denominator),
                _plain(row.value),
                met_label(row),
                row.shortfall,
                status,
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _number(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _xlsx_styles():
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="D5DCD9")
    return {
        "title": Font(bold=True, size=14, color="0B6B4F"),
        "bold": Font(bold=True),
        "header_font": Font(bold=True, color="FFFFFF"),
        "header_fill": PatternFill("solid", fgColor="0B6B4F"),
        "total_fill": PatternFill("solid", fgColor="E6F2ED"),
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "wrap": Alignment(wrap_text=True, vertical="top"),
        "left": Alignment(horizontal="left"),
    }


def _xlsx_value(cell, ind: Indicator, value) -> None:
    if value is None:
        cell.value = None
    elif ind.is_percent:
        cell.value = float(Decimal(value) / 100)
        cell.number_format = "0.0%"
    else:
        cell.value = int(value)
        cell.number_format = "#,##0"


def _xlsx_header(ws, row: int, headers: list[str], styles) -> None:
    for col, text in enumerate(headers, start=1):
        cell = ws.cell(row=row, column=col, value=text)
        cell.font = styles["header_font"]
        cell.fill = styles["header_fill"]
        cell.alignment = styles["wrap"]
        cell.border = styles["border"]


def report_xlsx(report: CoverageReport) -> bytes:
    from openpyxl import Workbook

    styles = _xlsx_styles()
    wb = Workbook()
    ws = wb.active
    ws.title = _("Tổng hợp")[:31]
    ws["A1"] = _("Báo cáo kết quả thực hiện chỉ tiêu")
    ws["A1"].font = styles["title"]
    meta = [
        (_("Kế hoạch"), f"{report.plan.name} ({report.plan.code})"),
        (_("Địa bàn"), f"{report.org_unit.name} ({report.org_unit.code})"),
        (_("Tính đến ngày"), report.as_of),
        (_("Thời gian thực hiện"), f"{report.plan.start_date:%d/%m/%Y} – {report.plan.end_date:%d/%m/%Y}"),
    ]
    for i, (label, value) in enumerate(meta, start=2):
        ws.cell(row=i, column=1, value=label).font = styles["bold"]
        cell = ws.cell(row=i, column=2, value=value)
        if i == 4:
            cell.number_format = "dd/mm/yyyy"
            cell.alignment = styles["left"]
    headers = [
        _("Mã chỉ tiêu"),
        _("Chỉ tiêu"),
        _("Mục tiêu"),
        _("Số đạt"),
        _("Tổng số"),
        _("Kết quả"),
        _("Còn thiếu"),
        _("Tình trạng"),
    ]
    first = 7
    _xlsx_header(ws, first, headers, styles)
    for r, result in enumerate(report.results, start=first + 1):
        ind, total = result.indicator, result.total
        ws.cell(row=r, column=1, value=ind.code)
        ws.cell(row=r, column=2, value=ind.name).alignment = styles["wrap"]
        _xlsx_value(ws.cell(row=r, column=3), ind, ind.target)
        ws.cell(row=r, column=4, value=total.numerator).number_format = "#,##0"
        ws.cell(row=r, column=5, value=total.denominator).number_format = "#,##0"
        _xlsx_value(ws.cell(row=r, column=6), ind, total.value)
        ws.cell(row=r, column=7, value=total.shortfall).number_format = "#,##0"
        ws.cell(row=r, column=8, value=str(STATUS_LABELS[result.status]))
        for c in range(1, 9):
            ws.cell(row=r, column=c).border = styles["border"]
    for col, width in zip("ABCDEFGH", (20, 60, 11, 11, 11, 11, 11, 16), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = ws.cell(row=first + 1, column=1)

    ws2 = wb.create_sheet(_("Theo địa bàn")[:31])
    headers2 = [
        _("Mã chỉ tiêu"),
        _("Mã địa bàn"),
        _("Địa bàn"),
        _("Số đạt"),
        _("Tổng số"),
        _("Kết quả"),
        _("Đạt"),
        _("Còn thiếu"),
    ]
    _xlsx_header(ws2, 1, headers2, styles)
    r = 2
    for ind, row, _status, own in _rows(report):
        values = [ind.code, row.org_unit.code, row.org_unit.name, row.numerator, row.denominator]
        for c, value in enumerate(values, start=1):
            cell = ws2.cell(row=r, column=c, value=value)
            if c >= 4:
                cell.number_format = "#,##0"
        _xlsx_value(ws2.cell(row=r, column=6), ind, row.value)
        ws2.cell(row=r, column=7, value=met_label(row))
        ws2.cell(row=r, column=8, value=row.shortfall).number_format = "#,##0"
        for c in range(1, 9):
            cell = ws2.cell(row=r, column=c)
            cell.border = styles["border"]
            if own:
                cell.font = styles["bold"]
                cell.fill = styles["total_fill"]
        r += 1
    for col, width in zip("ABCDEFGH", (20, 14, 30, 11, 11, 11, 14, 11), strict=True):
        ws2.column_dimensions[col].width = width
    ws2.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


PDF_COMPARE_ROWS = 20  # bars of the per-unit chart that fit on one A4 page


def report_pdf(report: CoverageReport, *, compare: str | None = None) -> bytes:
    """An A4 report with the charts, the date, the unit and the plan: what
    the page shows, the per-unit chart cut to fit the pages."""
    from weasyprint import HTML

    view = report_view(report, compare=compare, compare_rows_per_chart=PDF_COMPARE_ROWS)
    html = render_to_string(
        "coverage/report_pdf.html",
        {"view": view, "report": view.report, "generated": timezone.localtime()},
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def report_json(report: CoverageReport) -> bytes:
    return json.dumps(report_as_dict(report), ensure_ascii=False, indent=2).encode("utf-8")


# --- people lists ------------------------------------------------------------------


def _people_headers() -> list[str]:
    return [_("Mã"), _("Họ và tên"), _("Điện thoại"), _("Địa bàn"), _("HTX/THT"), _("Chức vụ")]


def _people_rows(people: Iterable[Person], indicator: Indicator) -> Iterable[list[str]]:
    for person in people:
        places = person_places(person)
        unit = person.org_unit or (places[0]["org_unit"] if places else None)
        yield [
            person.code,
            person.full_name,
            person.phone,
            unit.name if unit else "",
            "; ".join(p["name"] for p in places),
            "; ".join(p["role"] for p in places if p["role"]),
        ]


def people_csv(people: Iterable[Person], indicator: Indicator) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_people_headers())
    writer.writerows(_people_rows(people, indicator))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def people_xlsx(people: Iterable[Person], indicator: Indicator, *, title: str) -> bytes:
    from openpyxl import Workbook

    styles = _xlsx_styles()
    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = _("Danh sách")[:31]
    ws["A1"] = title
    ws["A1"].font = styles["title"]
    _xlsx_header(ws, 3, _people_headers(), styles)
    for r, values in enumerate(_people_rows(people, indicator), start=4):
        for c, value in enumerate(values, start=1):
            ws.cell(row=r, column=c, value=value)
    for col, width in zip("ABCDEF", (14, 28, 14, 22, 36, 28), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A4"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def people_json(people: Iterable[Person], indicator: Indicator) -> bytes:
    data = [person_as_dict(person, indicator) for person in people]
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
