"""The generic import machinery (``lms.registry.importing``), as another app reuses it."""

from __future__ import annotations

import datetime as dt

import pytest

from lms.registry.importing import (
    Column,
    ImportContext,
    Row,
    SheetCounts,
    SheetImporter,
    SheetSpec,
    UnreadableFile,
    choice_parser,
    code_parser,
    int_parser,
    list_parser,
    parse_bool,
    parse_date,
    read_tables,
    run_import,
)
from lms.registry.text import fold, fold_key
from tests.factories.registry import make_csv, make_workbook


def test_fold_strips_vietnamese_marks_and_case():
    assert fold("  Kế   Toán ") == "ke toan"
    assert fold("ĐIỆN THOẠI") == "dien thoai"
    assert fold_key("Mã_địa-bàn") == "ma dia ban"


@pytest.mark.parametrize("cell", ["maybe", "2", "có lẽ", 5])
def test_bad_booleans_are_errors(cell):
    with pytest.raises(ValueError, match="có/không"):
        parse_bool(cell)


@pytest.mark.parametrize("cell", ["31/02/2024", "2024-13-01", "15.03.24", "hôm qua", 45000])
def test_bad_dates_are_errors(cell):
    with pytest.raises(ValueError):
        parse_date(cell)


def test_dates_with_dots_or_dashes_and_iso_with_time():
    assert parse_date("15.03.2024") == parse_date("15-03-2024") == parse_date("2024-03-15 00:00:00")
    assert parse_date(dt.datetime(2024, 3, 15, 8, 30)) == dt.date(2024, 3, 15)  # noqa: DTZ001


def test_integers_and_their_bounds():
    parse = int_parser(min_value=1900, max_value=lambda: 2030)
    assert parse("1980") == parse(1980.0) == 1980
    for bad in ("1980.5", "abc", 1800, 2031, True):
        with pytest.raises(ValueError):
            parse(bad)


def test_choice_errors_list_what_is_accepted():
    parse = choice_parser({"F": ("nữ",), "M": ("nam",)}, labels={"F": "Nữ", "M": "Nam"})
    assert parse(" NỮ ") == "F" and parse("m") == "M"
    with pytest.raises(ValueError, match=r"F \(Nữ\), M \(Nam\)"):
        parse("Z")


def test_list_parser_splits_on_commas_and_semicolons():
    parse = list_parser(choice_parser({"governance": (), "accounting": ("kế toán",)}))
    assert parse("governance; Kế toán, governance") == ["governance", "accounting"]
    with pytest.raises(ValueError):
        parse("governance, cooking")


def test_code_parser_keeps_codes_as_typed():
    parse = code_parser(max_length=5)
    assert parse(" Ab-1 ") == "Ab-1" and parse(12.0) == "12"
    with pytest.raises(ValueError):
        parse("TOO-LONG")


def test_xlsx_rows_are_numbered_as_excel_shows_them():
    data = make_workbook({"s": [[None], ["a", "b"], [1, 2], [None, None], [3, 4]]})
    [table] = read_tables(data, filename="x.xlsx")
    assert table.header_row == 2 and table.header == ["a", "b"]
    assert [number for number, _cells in table.rows] == [3, 5]


def test_csv_rows_are_numbered_by_record_and_the_stem_names_the_sheet():
    data = make_csv([["a", "b"], ["x", "line 1\nline 2"], ["y", "z"]])
    [table] = read_tables(data, filename="uploads/sessions.csv")
    assert table.name == "sessions"
    assert [(n, cells[0]) for n, cells in table.rows] == [(2, "x"), (3, "y")]


def test_unknown_extension_is_unreadable():
    with pytest.raises(UnreadableFile, match=r"\.xlsx"):
        read_tables(b"a,b\n1,2", filename="data.json")


# A small importer built the way another app builds its own.

TOPICS = {"governance": ("quản trị",), "accounting": ("kế toán",)}
SESSIONS = SheetSpec(
    "sessions",
    columns=[
        Column("code", required=True, parser=code_parser()),
        Column("topics", ("chủ đề",), required=True, parser=list_parser(choice_parser(TOPICS))),
        Column("start_date", ("ngày bắt đầu",), required=True, parser=parse_date),
        Column("issues_certificate", ("cấp chứng nhận",), parser=parse_bool, default=False),
    ],
)
ATTENDANCE = SheetSpec(
    "attendance",
    columns=[
        Column("session_code", required=True, parser=code_parser()),
        Column("attended", ("có mặt",), parser=parse_bool, default=True),
    ],
)


class Recorder(SheetImporter):
    """Keeps the rows it would write (a real importer plans an ``Upsert``)."""

    def __init__(self, spec, written):
        self.spec, self.written, self.rows = spec, written, []

    def validate(self, rows: list[Row], ctx: ImportContext) -> None:
        for row in rows:
            if self.spec.name == "sessions" and row.ok:
                ctx.state.setdefault("sessions", set()).add(row["code"])
            if self.spec.name == "attendance" and row["session_code"] not in ctx.state.get("sessions", set()):
                ctx.error(row, "session_code", "Không có lớp này.")
            self.rows.append(row.values)

    def counts(self) -> SheetCounts:
        return SheetCounts(created=len(self.rows))

    def apply(self, ctx: ImportContext) -> SheetCounts:
        self.written.extend(self.rows)
        return self.counts()


def importers(written):
    return [Recorder(SESSIONS, written), Recorder(ATTENDANCE, written)]


@pytest.mark.django_db
def test_run_import_validates_in_order_then_applies_everything():
    data = make_workbook(
        {
            "attendance": [["Session_Code", "Có mặt"], ["S1", "x"], ["S1", None]],
            "Sessions": [["CODE", "Chủ đề", "Ngày bắt đầu"], ["S1", "Quản trị; kế toán", "02/01/2024"]],
        }
    )
    written: list = []
    result = run_import(data, importers=importers(written), filename="a.xlsx")
    assert result.written
    assert {k: v.created for k, v in result.counts.items()} == {"sessions": 1, "attendance": 2}
    assert written[0] == {
        "code": "S1",
        "topics": ["governance", "accounting"],
        "start_date": dt.date(2024, 1, 2),
        "issues_certificate": False,
    }
    assert [w["attended"] for w in written[1:]] == [True, True]


@pytest.mark.django_db
def test_run_import_collects_every_error_and_applies_nothing():
    data = make_workbook(
        {
            "sessions": [
                ["code", "topics", "start_date"],
                ["S1", "cooking", "2024-01-02"],
                ["S2", "", "soon"],
            ],
            "attendance": [["session_code"], ["S9"]],
        }
    )
    written: list = []
    result = run_import(data, importers=importers(written), filename="a.xlsx", dry_run=False)
    assert not result.ok and written == []
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [
        ("sessions", 2, "topics"),
        ("sessions", 3, "topics"),
        ("sessions", 3, "start_date"),
        ("attendance", 2, "session_code"),
    ]
    assert result.as_dict()["errors"][3] == {
        "sheet": "attendance",
        "row": 2,
        "column": "session_code",
        "message": "Không có lớp này.",
    }
    assert str(result.errors[3]) == "attendance, 2, session_code: Không có lớp này."


@pytest.mark.django_db
def test_a_column_given_twice_is_an_error():
    data = make_workbook(
        {"sessions": [["code", "Mã", "topics", "start_date", "code"], ["S1", "", "x", "2024-01-01", "S"]]}
    )
    result = run_import(data, importers=importers([]), filename="a.xlsx")
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("sessions", 1, "code")]
