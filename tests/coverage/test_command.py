"""``coverage_report`` (CONTRACT §5): JSON, CSV, XLSX, PDF, the missing list,
scope with --user, and clear errors."""

from __future__ import annotations

import csv
import io
import json
from unittest import mock

import pytest
from django.core.management import CommandError, ManagementUtility, call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.factories.coverage import populate

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(tree):
    return populate([tree[2], tree[3]], per_unit=3)


def run(*args) -> str:
    out = io.StringIO()
    call_command("coverage_report", *args, stdout=out)
    return out.getvalue()


def test_json_to_stdout_is_the_contract_report(data):
    body = json.loads(run("--plan", "cho-moi-2024", "--as-of", "2024-12-31"))
    assert body["plan"] == "cho-moi-2024" and body["as_of"] == "2024-12-31"
    assert body["org_unit"] == {"code": "CM", "name": "Huyện Chợ Mới"}  # the plan's root by default
    assert body["indicators"][0]["numerator"] == 2


def test_org_unit_option_and_a_unit_outside_the_plan_root(data):
    body = json.loads(run("--plan", "cho-moi-2024", "--org-unit", "AG", "--as-of", "2024-12-31"))
    assert body["org_unit"]["code"] == "AG"
    assert body["indicators"][0]["breakdown"][0]["org_unit"]["code"] == "CM"


def test_csv_file_has_a_byte_order_mark_and_vietnamese_headers(data, tmp_path):
    path = tmp_path / "bao-cao.csv"
    run("--plan", "cho-moi-2024", "--format", "csv", "--output", str(path), "--as-of", "2024-12-31")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][5] == "Chỉ tiêu"
    assert rows[1][4] == "managers_trained"


def test_xlsx_file_holds_numbers_and_formatted_percentages(data, tmp_path):
    path = tmp_path / "bao-cao.xlsx"
    run("--plan", "cho-moi-2024", "--format", "xlsx", "--output", str(path), "--as-of", "2024-12-31")
    wb = load_workbook(path)
    summary = wb["Tổng hợp"]
    assert summary["A1"].value == "Báo cáo kết quả thực hiện chỉ tiêu"
    header = [c.value for c in summary[7]]
    assert header == [
        "Mã chỉ tiêu",
        "Chỉ tiêu",
        "Mục tiêu",
        "Số đạt",
        "Tổng số",
        "Kết quả",
        "Còn thiếu",
        "Tình trạng",
    ]
    trained = [c.value for c in summary[8]]
    assert trained[0] == "managers_trained"
    assert trained[2] == 1.0 and summary["C8"].number_format == "0.0%"  # target 100%
    assert trained[3:5] == [2, 6]
    assert trained[5] == pytest.approx(0.333)
    assert trained[6] == 4 and trained[7] == "Chậm tiến độ"
    jobs = [c.value for c in summary[13]]
    assert jobs[0] == "stable_jobs" and jobs[2] == 267 and jobs[4] is None and jobs[5] == 2
    assert summary["F13"].number_format == "#,##0"
    by_unit = wb["Theo địa bàn"]
    assert [c.value for c in by_unit[3]][:6] == [
        "managers_trained",
        "CM-KA",
        "Xã Kiến An",
        1,
        3,
        pytest.approx(0.333),
    ]


def test_pdf_file_is_an_a4_report_with_the_plan_unit_and_date(data, tmp_path):
    path = tmp_path / "bao-cao.pdf"
    run("--plan", "cho-moi-2024", "--format", "pdf", "--output", str(path), "--as-of", "2024-12-31")
    reader = PdfReader(path)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Huyện Chợ Mới" in text and "31/12/2024" in text and "cho-moi-2024" in text


def test_missing_list_as_json_and_csv(data, tmp_path):
    people = json.loads(
        run(
            "--plan",
            "cho-moi-2024",
            "--missing",
            "managers_trained",
            "--org-unit",
            "CM-KT",
            "--as-of",
            "2024-12-31",
        )
    )
    assert len(people) == 2
    assert set(people[0]) == {"code", "full_name", "org_unit", "cooperatives"}
    path = tmp_path / "thieu.xlsx"
    run("--plan", "cho-moi-2024", "--missing", "managers_trained", "--format", "xlsx", "--output", str(path))
    assert load_workbook(path).active.max_row == 3 + 4


def test_user_option_applies_the_official_scope(data, commune_official):
    body = json.loads(run("--plan", "cho-moi-2024", "--user", "canbo.kienan"))
    assert body["org_unit"]["code"] == "CM-KA"
    with pytest.raises(CommandError, match="Xã Kiến An"):
        run("--plan", "cho-moi-2024", "--user", "canbo.kienan", "--org-unit", "CM")
    with pytest.raises(CommandError, match="Xã Kiến An"):
        run(
            "--plan",
            "cho-moi-2024",
            "--user",
            "canbo.kienan",
            "--org-unit",
            "CM-KT",
            "--missing",
            "managers_trained",
        )


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--plan", "khong-co"], "khong-co"),
        (["--plan", "cho-moi-2024", "--org-unit", "KHONG"], "KHONG"),
        (["--plan", "cho-moi-2024", "--as-of", "31/02/2024"], "Ngày không hợp lệ"),
        (["--plan", "cho-moi-2024", "--missing", "khong_co"], "khong_co"),
        (["--plan", "cho-moi-2024", "--missing", "managers_trained", "--format", "pdf"], "json, csv"),
        (["--plan", "cho-moi-2024", "--user", "ai-do"], "ai-do"),
    ],
)
def test_errors_are_one_clear_line(data, args, words):
    with pytest.raises(CommandError, match=words):
        run(*args)


def test_error_exits_1_without_a_traceback(data, capsys):
    # As from the shell; the shared test connection is kept open.
    with mock.patch("django.core.management.base.connections"), pytest.raises(SystemExit) as exit_:
        ManagementUtility(["manage.py", "coverage_report", "--plan", "khong-co"]).execute()
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert "khong-co" in err and "Traceback" not in err
