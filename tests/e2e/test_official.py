"""A commune official imports her registry and an in-person training from
Excel, then follows the coverage report down to the women still missing,
exports it, and cannot look at another commune."""

from __future__ import annotations

import datetime as dt
import re

import openpyxl
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

COMMUNE = "CM-KA"  # Xã Kiến An, the official's scope
OTHER_COMMUNE = "CM-KT"  # Xã Kiến Thành
TRAINED = "An Thị Ngọc Hân"
MISSING = "An Thị Kim Loan"


def _registry_workbook(path) -> None:
    """A new women-led cooperative group of Kiến An and two of its managers
    (CONTRACT §2; the people sheet uses the Vietnamese headers)."""
    wb = openpyxl.Workbook()
    coops = wb.active
    coops.title = "cooperatives"
    coops.append(["code", "name", "kind", "org_unit_code", "women_led", "established"])
    coops.append(["THT-KA-E2E", "Tổ hợp tác đan lục bình Kiến An", "THT", COMMUNE, "có", dt.date(2023, 3, 8)])
    people = wb.create_sheet("people")
    people.append(["Mã", "Họ và tên", "Giới tính", "Năm sinh", "Điện thoại", "Mã địa bàn"])
    people.append(["KA-E2E-001", TRAINED, "Nữ", 1982, "0912345678", COMMUNE])
    people.append(["KA-E2E-002", MISSING, "Nữ", 1990, "", COMMUNE])
    affiliations = wb.create_sheet("affiliations")
    affiliations.append(["person_code", "cooperative_code", "role", "start_date", "stable_job"])
    affiliations.append(["KA-E2E-001", "THT-KA-E2E", "Tổ trưởng", "01/04/2023", "x"])
    affiliations.append(["KA-E2E-002", "THT-KA-E2E", "accountant", "2023-04-01", "no"])
    wb.save(path)


def _attendance_workbook(path) -> None:
    """A governance workshop in Kiến An: one of the two managers came (CONTRACT §3)."""
    wb = openpyxl.Workbook()
    sessions = wb.active
    sessions.title = "sessions"
    sessions.append(["code", "title", "topics", "org_unit_code", "start_date", "trainer"])
    sessions.append(
        [
            "KA-E2E-QT",
            "Tập huấn quản trị tổ hợp tác",
            "governance",
            COMMUNE,
            dt.date(2024, 10, 5),
            "Lê Thị Hoa",
        ]
    )
    attendance = wb.create_sheet("attendance")
    attendance.append(["session_code", "person_code", "attended"])
    attendance.append(["KA-E2E-QT", "KA-E2E-001", "có"])
    attendance.append(["KA-E2E-QT", "KA-E2E-002", "không"])
    wb.save(path)


def _upload_and_confirm(page, path, *, expected: dict[str, int], shots, name: str) -> None:
    """The two-step import page: upload, read the dry run, confirm."""
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    expect(page.locator("main")).to_contain_text(f"Kiểm tra xong tệp {path.name}: không có lỗi.")
    table = page.locator("main table.listing").first
    for sheet, created in expected.items():
        expect(
            table.locator("tr", has=page.locator(f"td:text-is('{sheet}')")).locator("td").nth(1)
        ).to_have_text(str(created))
    shots(page, f"{name}-dry-run")
    page.get_by_role("button", name="Xác nhận nhập dữ liệu").click()
    expect(page.locator(".messages")).to_contain_text(f"Đã nhập tệp {path.name}")
    shots(page, f"{name}-imported")


def test_commune_official_imports_reports_exports_and_stays_in_her_commune(
    page, server, log_in, shots, tmp_path
):
    log_in(page, "canbo.kienan")

    # Registry import.
    registry = tmp_path / "so-lieu-kien-an.xlsx"
    _registry_workbook(registry)
    page.goto(f"{server}/admin/registry/import/")
    _upload_and_confirm(
        page,
        registry,
        expected={"cooperatives": 1, "people": 2, "affiliations": 2},
        shots=shots,
        name="registry",
    )

    # Attendance import.
    attendance = tmp_path / "diem-danh-kien-an.xlsx"
    _attendance_workbook(attendance)
    page.goto(f"{server}/admin/learning/import-attendance/")
    _upload_and_confirm(
        page, attendance, expected={"sessions": 1, "attendance": 2}, shots=shots, name="attendance"
    )

    # The coverage report of her commune.
    page.goto(f"{server}/")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Báo cáo").click()
    expect(page.locator(".report-meta")).to_contain_text("Xã Kiến An")
    shots(page, "coverage-report")
    with page.expect_download() as pdf_info:
        page.locator(".exports").get_by_role("link", name="PDF").click()
    pdf = tmp_path / "report.pdf"
    pdf_info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    with page.expect_download() as xlsx_info:
        page.locator(".exports").get_by_role("link", name="Excel").click()
    report_xlsx = tmp_path / "report.xlsx"
    xlsx_info.value.save_as(report_xlsx)
    assert openpyxl.load_workbook(report_xlsx).sheetnames

    # Drill down: women managers not yet trained in governance or accounting.
    first = page.locator("li.indicator").first
    first.locator(".ind-numbers div", has_text="Còn thiếu").get_by_role("link").click()
    expect(page.locator("main h1")).to_be_visible()
    people = page.locator(".people-list")
    expect(people).to_contain_text(MISSING)
    expect(people).not_to_contain_text(TRAINED)
    shots(page, "missing-people")
    people_url = page.url
    with page.expect_download() as people_info:
        page.locator("main").get_by_role("link", name="Excel").click()
    people_xlsx = tmp_path / "missing.xlsx"
    people_info.value.save_as(people_xlsx)
    cells = {
        str(value)
        for sheet in openpyxl.load_workbook(people_xlsx, read_only=True).worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    }
    assert MISSING in cells
    assert TRAINED not in cells

    page.locator(".which-tabs").get_by_role("link", name="Đã đạt").click()
    expect(page.locator(".people-list")).to_contain_text(TRAINED)

    # Another commune's numbers and people are refused.
    assert f"org_unit={COMMUNE}" in people_url
    for url in (
        re.sub(r"org_unit=[^&]+", f"org_unit={OTHER_COMMUNE}", people_url),
        f"{server}/coverage/?org_unit={OTHER_COMMUNE}",
    ):
        response = page.goto(url)
        assert response.status in (403, 404), (url, response.status)
        expect(page.get_by_role("alert")).to_contain_text("Bạn chỉ được xem số liệu của Xã Kiến An")
    shots(page, "other-commune-refused")
