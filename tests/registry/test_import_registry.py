"""The registry import (CONTRACT §2) through its service and its command."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lms.registry.models import Affiliation, CadrePosition, Cooperative, OrgUnit, Person
from tests.factories.registry import make_csv, make_workbook
from tests.registry.helpers import (
    AFFILIATIONS,
    CADRES,
    COOPS,
    PEOPLE,
    UNITS,
    counts,
    errors,
    full_workbook,
    run,
)

pytestmark = pytest.mark.django_db

MODELS = (OrgUnit, Cooperative, Person, Affiliation, CadrePosition)


def table_sizes() -> list[int]:
    return [m.objects.count() for m in MODELS]


def snapshot() -> list:
    return [
        list(OrgUnit.objects.order_by("code").values_list("code", "name", "level", "parent__code", "path")),
        list(Cooperative.objects.order_by("code").values()),
        list(Person.objects.order_by("code").values()),
        list(Affiliation.objects.order_by("pk").values()),
        list(CadrePosition.objects.order_by("pk").values()),
    ]


# --- Success, upsert, idempotence -------------------------------------------


def test_full_workbook_creates_every_sheet_in_order():
    result = run(full_workbook())
    assert result.ok and result.written
    assert counts(result) == {
        "org_units": {"created": 3, "updated": 0, "unchanged": 0},
        "cooperatives": {"created": 1, "updated": 0, "unchanged": 0},
        "people": {"created": 2, "updated": 0, "unchanged": 0},
        "affiliations": {"created": 2, "updated": 0, "unchanged": 0},
        "cadres": {"created": 1, "updated": 0, "unchanged": 0},
    }
    ka = OrgUnit.objects.get(code="CM-KA")
    assert ka.parent.code == "CM" and ka.depth == 3
    assert ka.is_within(OrgUnit.objects.get(code="AG"))
    coop = Cooperative.objects.get(code="HTX-1")
    assert (coop.org_unit, coop.kind, coop.women_led, coop.established) == (
        ka,
        "HTX",
        True,
        dt.date(2019, 5, 1),
    )
    hoa = Person.objects.get(code="P1")
    assert (hoa.full_name, hoa.gender, hoa.birth_year, hoa.phone, hoa.org_unit) == (
        "Nguyễn Thị Hoa",
        "F",
        1980,
        "0900000001",
        ka,
    )
    chair = Affiliation.objects.get(person=hoa)
    assert (chair.role, chair.start_date, chair.stable_job) == ("chair", dt.date(2020, 1, 1), True)
    cadre = CadrePosition.objects.get()
    assert (cadre.person.code, cadre.org_unit, cadre.supports_cooperatives) == ("P2", ka, True)


def test_importing_the_same_file_twice_changes_nothing_the_second_time():
    data = full_workbook()
    run(data)
    before = snapshot()
    result = run(data)
    assert result.written
    assert all(c["created"] == 0 and c["updated"] == 0 for c in counts(result).values())
    assert counts(result)["people"]["unchanged"] == 2
    assert snapshot() == before


def test_upsert_updates_changed_rows_by_their_keys():
    run(full_workbook())
    people = [PEOPLE[0], ["P1", "Nguyễn Thị Hoa", "F", 1981, "0900000001", "CM-KA"], PEOPLE[2]]
    affiliations = [
        AFFILIATIONS[0],
        ["P1", "HTX-1", "chair", "2020-01-01", "2024-06-30", "yes"],  # same key: end date set
        ["P1", "HTX-1", "chair", "2025-01-01", None, "yes"],  # new start date: a new row
        AFFILIATIONS[2],
    ]
    result = run(full_workbook(people=people, affiliations=affiliations))
    assert counts(result)["people"] == {"created": 0, "updated": 1, "unchanged": 1}
    assert counts(result)["affiliations"] == {"created": 1, "updated": 1, "unchanged": 1}
    assert Person.objects.get(code="P1").birth_year == 1981
    assert Person.objects.count() == 2
    assert list(
        Affiliation.objects.filter(person__code="P1")
        .order_by("start_date")
        .values_list("start_date", "end_date")
    ) == [(dt.date(2020, 1, 1), dt.date(2024, 6, 30)), (dt.date(2025, 1, 1), None)]


def test_cadres_upsert_by_person_unit_and_start_date():
    run(full_workbook())
    cadres = [CADRES[0], ["P2", "CM-KA", "Phó Chủ tịch", "no", "2021-01-01", None]]
    result = run(full_workbook(cadres=cadres))
    assert counts(result)["cadres"] == {"created": 0, "updated": 1, "unchanged": 0}
    cadre = CadrePosition.objects.get()
    assert (cadre.position, cadre.supports_cooperatives) == ("Phó Chủ tịch", False)


def test_children_may_come_before_their_parents_in_the_sheet():
    units = [UNITS[0], UNITS[3], UNITS[2], UNITS[1]]
    result = run(make_workbook({"org_units": units}))
    assert result.written
    ka, cm, ag = (OrgUnit.objects.get(code=c) for c in ("CM-KA", "CM", "AG"))
    assert ka.path == f"{cm.path}{ka.pk:010d}." and cm.path == f"{ag.path}{cm.pk:010d}."
    assert (ag.depth, cm.depth, ka.depth) == (1, 2, 3)


def test_reparenting_a_unit_moves_the_paths_of_everything_below_it():
    run(full_workbook())
    units = [
        *UNITS[:2],
        ["TS", "Huyện Thoại Sơn", "district", "AG"],
        ["CM", "Huyện Chợ Mới", "district", "TS"],  # moved under a unit created by this file
    ]
    result = run(make_workbook({"org_units": units}))
    assert counts(result)["org_units"] == {"created": 1, "updated": 1, "unchanged": 1}
    ts, cm, ka = (OrgUnit.objects.get(code=c) for c in ("TS", "CM", "CM-KA"))
    assert cm.parent == ts and cm.is_within(ts) and ka.is_within(ts)
    assert (cm.depth, ka.depth) == (3, 4)
    assert ka.path == f"{ts.path}{cm.pk:010d}.{ka.pk:010d}."


def test_a_missing_optional_column_takes_its_default_and_extra_columns_are_ignored():
    data = make_workbook(
        {
            "org_units": UNITS,
            "cooperatives": [
                ["code", "name", "kind", "org_unit_code", "ghi chú"],
                ["H", "HTX", "HTX", "CM-KA", "x"],
            ],
            "people": [["code", "full_name", "gender"], ["P", "Lê Thị Mai", "F"]],
            "affiliations": [["person_code", "cooperative_code", "role"], ["P", "H", "member"]],
            "cadres": [["person_code", "org_unit_code"], ["P", "CM"]],
        }
    )
    assert run(data).written
    assert Cooperative.objects.get().women_led is True
    assert Affiliation.objects.get().stable_job is False
    cadre = CadrePosition.objects.get()
    assert (cadre.supports_cooperatives, cadre.position, cadre.start_date) == (False, "", None)
    assert Person.objects.get().org_unit is None


def test_empty_cells_take_the_default():
    coops = [COOPS[0], ["HTX-1", "HTX Kiến An", "HTX", "CM-KA", None, None]]
    affiliations = [AFFILIATIONS[0], ["P1", "HTX-1", "chair", None, None, "  "]]
    run(full_workbook(cooperatives=coops, affiliations=affiliations))
    assert Cooperative.objects.get().women_led is True
    assert Affiliation.objects.get().stable_job is False


def test_codes_typed_as_numbers_in_excel_keep_their_digits():
    data = make_workbook(
        {
            "org_units": [
                ["code", "name", "level"],
                [101, "Tỉnh Một", "province"],
                [102.0, "Tỉnh Hai", "province"],
            ]
        }
    )
    assert run(data).written
    assert sorted(OrgUnit.objects.values_list("code", flat=True)) == ["101", "102"]


def test_codes_are_case_sensitive():
    data = make_workbook(
        {"org_units": [["code", "name", "level"], ["ag", "a", "province"], ["AG", "b", "province"]]}
    )
    assert counts(run(data))["org_units"]["created"] == 2


# --- Headers and values -------------------------------------------------------

VIETNAMESE = {
    "org_units": [
        ["Mã", "Tên", "Cấp", "Mã cấp trên"],
        ["AG", "Tỉnh An Giang", "Tỉnh", None],
        ["CM", "Huyện Chợ Mới", "Huyện", "AG"],
        ["CM-KA", "Xã Kiến An", "Xã", "CM"],
    ],
    "cooperatives": [
        ["Mã", "Tên", "Loại", "Mã địa bàn", "Phụ nữ quản lý", "Ngày thành lập"],
        ["T-1", "Tổ hợp tác Dệt chiếu", "THT", "CM-KA", "không", "15/03/2018"],
    ],
    "people": [
        ["Mã", "Họ và tên", "Giới tính", "Năm sinh", "Điện thoại", "Mã địa bàn"],
        ["P1", "Nguyễn Thị Hoa", "Nữ", 1980, "0900", "CM-KA"],
        ["P2", "Trần Văn Bình", "Nam", None, None, "CM-KA"],
        ["P3", "Lê Bảo", "Khác", None, None, "CM"],
    ],
    "affiliations": [
        ["person_code", "cooperative_code", "Chức vụ", "start_date", "end_date", "Việc làm ổn định"],
        ["P1", "T-1", "Tổ trưởng", "01/02/2020", "31/12/2024", "có"],
    ],
    "cadres": [
        ["person_code", "org_unit_code", "Chức danh", "Hỗ trợ HTX", "start_date", "end_date"],
        ["P3", "CM", "Cán bộ Hội", "x", None, None],
    ],
}


def test_every_vietnamese_header_and_value_is_accepted():
    result = run(make_workbook(VIETNAMESE))
    assert result.written, result.errors
    assert list(OrgUnit.objects.order_by("depth").values_list("level", flat=True)) == [
        "province",
        "district",
        "commune",
    ]
    coop = Cooperative.objects.get()
    assert (coop.kind, coop.women_led, coop.established) == ("THT", False, dt.date(2018, 3, 15))
    assert dict(Person.objects.values_list("code", "gender")) == {"P1": "F", "P2": "M", "P3": "X"}
    hoa = Person.objects.get(code="P1")
    assert (hoa.full_name, hoa.birth_year, hoa.phone, hoa.org_unit.code) == (
        "Nguyễn Thị Hoa",
        1980,
        "0900",
        "CM-KA",
    )
    assert coop.org_unit.code == "CM-KA" and coop.name == "Tổ hợp tác Dệt chiếu"
    aff = Affiliation.objects.get()
    assert (aff.role, aff.start_date, aff.end_date, aff.stable_job) == (
        "group_leader",
        dt.date(2020, 2, 1),
        dt.date(2024, 12, 31),
        True,
    )
    cadre = CadrePosition.objects.get()
    assert (cadre.position, cadre.supports_cooperatives) == ("Cán bộ Hội", True)


@pytest.mark.parametrize(
    "header",
    [
        "Mã địa bàn",
        "  MÃ ĐỊA BÀN  ",
        "ma dia ban",
        "Ma_dia_ban",
        "org_unit_code",
        " ORG_UNIT_CODE",
        "Org unit code",
        "org_unit_code (Mã địa bàn)",
        "Mã địa bàn (xã, thị trấn)",
        "Mã địa bàn *",
    ],
)
def test_headers_match_ignoring_case_spaces_and_diacritics(header):
    people = [["code", "Họ và tên", "GIOI TINH", header], ["P1", "Nguyễn Thị Hoa", "nu", "CM"]]
    result = run(make_workbook({"org_units": UNITS, "people": people}))
    assert result.written, result.errors
    assert Person.objects.get().org_unit.code == "CM"


BOOLEANS = [
    ("yes", True), ("YES", True), ("y", True), ("true", True), ("1", True), (1, True), (True, True),
    ("có", True), ("Có", True), ("co", True), ("x", True), ("X", True),
    ("no", False), ("n", False), ("false", False), ("0", False), (0, False), (False, False),
    ("không", False), ("KHÔNG", False), ("khong", False),
]  # fmt: skip


def test_boolean_forms():
    coops = [COOPS[0]] + [
        [f"H{i}", "HTX", "HTX", "CM-KA", cell, None] for i, (cell, _) in enumerate(BOOLEANS)
    ]
    assert run(full_workbook(cooperatives=coops, affiliations=None)).written
    women_led = dict(Cooperative.objects.values_list("code", "women_led"))
    assert [(cell, women_led[f"H{i}"]) for i, (cell, _) in enumerate(BOOLEANS)] == BOOLEANS


DATES = {
    "iso": "2024-03-15",
    "dd/mm/yyyy": "15/03/2024",
    "d/m/yyyy": "15/3/2024",
    "excel-date": dt.date(2024, 3, 15),
    "excel-datetime": dt.datetime(2024, 3, 15, 0, 0),  # noqa: DTZ001 - what openpyxl gives for a date cell
}


def test_date_forms():
    coops = [COOPS[0]] + [[form, "HTX", "HTX", "CM-KA", None, cell] for form, cell in DATES.items()]
    assert run(full_workbook(cooperatives=coops, affiliations=None)).written
    assert dict(Cooperative.objects.values_list("code", "established")) == {
        form: dt.date(2024, 3, 15) for form in DATES
    }


def test_a_real_excel_date_cell_is_read_as_a_date():
    data = make_workbook(
        {
            "org_units": UNITS,
            "cooperatives": [COOPS[0], ["H", "HTX", "HTX", "CM-KA", "x", dt.date(2001, 12, 31)]],
        }
    )
    sheet = openpyxl.load_workbook(io.BytesIO(data))["cooperatives"]
    assert sheet["F2"].is_date  # a date cell, not text
    assert run(data).written
    assert Cooperative.objects.get().established == dt.date(2001, 12, 31)


ROLES = {
    "chair": "chair",
    "Chủ tịch HĐQT": "chair",
    "CHU TICH HDQT": "chair",
    "Thành viên HĐQT": "board_member",
    "board_member": "board_member",
    "Giám đốc": "director",
    "Thành viên BKS": "supervisor",
    "Kiểm soát viên": "supervisor",
    "Kế toán": "accountant",
    "Tổ trưởng": "group_leader",
    "Thành viên": "member",
    "Người lao động": "worker",
    "worker": "worker",
}


def test_roles_accept_their_vietnamese_names():
    people = [PEOPLE[0]] + [[f"R{i}", "Người", "F", None, None, "CM-KA"] for i in range(len(ROLES))]
    affiliations = [AFFILIATIONS[0]] + [
        [f"R{i}", "HTX-1", cell, None, None, None] for i, cell in enumerate(ROLES)
    ]
    assert run(full_workbook(people=people, affiliations=affiliations, cadres=None)).written
    roles = dict(Affiliation.objects.values_list("person__code", "role"))
    assert [roles[f"R{i}"] for i in range(len(ROLES))] == list(ROLES.values())


GENDERS = {"F": "F", "nữ": "F", "Nu": "F", "M": "M", "Nam": "M", "X": "X", "Khác": "X"}
LEVELS = {
    "province": "province",
    "Tỉnh": "province",
    "district": "district",
    "huyện": "district",
    "commune": "commune",
    "XÃ": "commune",
    "Thị trấn": "commune",
}


def test_genders_and_levels():
    units = [UNITS[0]] + [[f"U{i}", "Đơn vị", cell, None] for i, cell in enumerate(LEVELS)]
    people = [PEOPLE[0]] + [[f"G{i}", "Người", cell, None, None, None] for i, cell in enumerate(GENDERS)]
    assert run(make_workbook({"org_units": units, "people": people})).written
    levels = dict(OrgUnit.objects.values_list("code", "level"))
    assert [levels[f"U{i}"] for i in range(len(LEVELS))] == list(LEVELS.values())
    genders = dict(Person.objects.values_list("code", "gender"))
    assert [genders[f"G{i}"] for i in range(len(GENDERS))] == list(GENDERS.values())


# --- CSV ------------------------------------------------------------------------

CSV_PEOPLE = [
    ["Mã", "Họ và tên", "Giới tính", "Năm sinh", "Mã địa bàn"],
    ["P1", "Nguyễn Thị Hồng Nhung", "Nữ", "1980", ""],
    ["P2", "Đặng Văn Ất", "Nam", "", ""],
]


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [
        ("utf-8-sig", ","),
        ("utf-8", ","),
        ("cp1258", ","),
        ("utf-8-sig", ";"),
        ("cp1258", ";"),
        ("utf-8", "\t"),
    ],
    ids=["utf8-bom", "utf8", "windows-1258", "utf8-bom-semicolon", "windows-1258-semicolon", "utf8-tab"],
)
def test_csv_encodings_and_delimiters(encoding, delimiter):
    data = make_csv(CSV_PEOPLE, encoding=encoding, delimiter=delimiter)
    result = run(data, filename="people.csv")
    assert result.written, result.errors
    assert counts(result) == {"people": {"created": 2, "updated": 0, "unchanged": 0}}
    assert dict(Person.objects.values_list("code", "full_name")) == {
        "P1": "Nguyễn Thị Hồng Nhung",
        "P2": "Đặng Văn Ất",
    }
    assert Person.objects.get(code="P1").gender == "F"


def test_windows_1258_bytes_are_not_utf8():
    data = make_csv(CSV_PEOPLE, encoding="cp1258")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


def test_csv_names_its_sheet_by_the_file_stem_and_refers_to_existing_codes():
    run(make_workbook({"org_units": UNITS}))
    rows = [["code", "name", "kind", "org_unit_code"], ["H", "HTX Hòa Bình", "htx", "CM-KA"]]
    result = run(make_csv(rows), filename="cooperatives.csv")
    assert counts(result) == {"cooperatives": {"created": 1, "updated": 0, "unchanged": 0}}


def test_csv_with_an_unknown_name_is_refused():
    result = run(make_csv(CSV_PEOPLE), filename="danh-sach.csv")
    assert not result.ok
    assert "people" in result.errors[0].message


# --- All or nothing ----------------------------------------------------------------

BAD_ROWS = {
    "unknown parent": (
        {"org_units": [*UNITS, ["X", "Xã X", "commune", "NOPE"]]},
        ("org_units", 5, "parent_code"),
    ),
    "parent loop": (
        {"org_units": [UNITS[0], ["A", "A", "district", "B"], ["B", "B", "district", "A"]]},
        ("org_units", 3, "parent_code"),
    ),
    "bad level": ({"org_units": [*UNITS, ["X", "Xã X", "ấp", "CM"]]}, ("org_units", 5, "level")),
    "missing required value": (
        {"org_units": [*UNITS, ["X", "  ", "commune", "CM"]]},
        ("org_units", 5, "name"),
    ),
    "duplicate code": (
        {"org_units": [*UNITS, ["CM", "Huyện khác", "district", "AG"]]},
        ("org_units", 5, "code"),
    ),
    "unknown org unit of a cooperative": (
        {"cooperatives": [*COOPS, ["H2", "HTX 2", "HTX", "NOPE", None, None]]},
        ("cooperatives", 3, "org_unit_code"),
    ),
    "bad kind": (
        {"cooperatives": [*COOPS, ["H2", "HTX 2", "HTXX", "CM", None, None]]},
        ("cooperatives", 3, "kind"),
    ),
    "bad boolean": (
        {"cooperatives": [*COOPS, ["H2", "HTX 2", "HTX", "CM", "maybe", None]]},
        ("cooperatives", 3, "women_led"),
    ),
    "bad date": (
        {"cooperatives": [*COOPS, ["H2", "HTX 2", "HTX", "CM", None, "31/02/2020"]]},
        ("cooperatives", 3, "established"),
    ),
    "bad gender": ({"people": [*PEOPLE, ["P3", "Ai đó", "Z", None, None, "CM"]]}, ("people", 4, "gender")),
    "bad birth year": (
        {"people": [*PEOPLE, ["P3", "Ai đó", "F", "năm 80", None, "CM"]]},
        ("people", 4, "birth_year"),
    ),
    "duplicate person": (
        {"people": [*PEOPLE, ["P1", "Trùng", "F", None, None, "CM"]]},
        ("people", 4, "code"),
    ),
    "unknown person": (
        {"affiliations": [*AFFILIATIONS, ["NOPE", "HTX-1", "member", None, None, None]]},
        ("affiliations", 4, "person_code"),
    ),
    "unknown cooperative": (
        {"affiliations": [*AFFILIATIONS, ["P1", "NOPE", "member", None, None, None]]},
        ("affiliations", 4, "cooperative_code"),
    ),
    "bad role": (
        {"affiliations": [*AFFILIATIONS, ["P1", "HTX-1", "boss", None, None, None]]},
        ("affiliations", 4, "role"),
    ),
    "end before start": (
        {"affiliations": [*AFFILIATIONS, ["P2", "HTX-1", "worker", "2024-05-01", "2024-04-30", None]]},
        ("affiliations", 4, "end_date"),
    ),
    "duplicate affiliation": (
        {"affiliations": [*AFFILIATIONS, ["P1", "HTX-1", "Chủ tịch HĐQT", "01/01/2020", None, None]]},
        ("affiliations", 4, "person_code"),
    ),
    "cadre in unknown unit": (
        {"cadres": [*CADRES, ["P1", "NOPE", None, None, None, None]]},
        ("cadres", 3, "org_unit_code"),
    ),
    "cadre end before start": (
        {"cadres": [*CADRES, ["P1", "CM", None, None, "2024-05-01", "01/01/2024"]]},
        ("cadres", 3, "end_date"),
    ),
    "missing required column": (
        {"people": [[h for h in r if h != "gender"] for r in [PEOPLE[0]]] + [["P9", "Ai", None, None, "CM"]]},
        ("people", 1, "gender"),
    ),
}


@pytest.mark.parametrize("case", BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_one_bad_row_writes_nothing_at_all(case):
    overrides, where = case
    result = run(full_workbook(**overrides))
    assert not result.ok and not result.written
    assert where in errors(result)
    assert all(e.message for e in result.errors)
    assert table_sizes() == [0, 0, 0, 0, 0]


def test_a_bad_row_leaves_existing_rows_as_they_were():
    run(full_workbook())
    before = snapshot()
    people = [
        PEOPLE[0],
        ["P1", "Tên mới", "F", 1980, None, "CM-KA"],
        ["P2", "Trần Thị Lan", "Q", None, None, "CM-KA"],
    ]
    result = run(full_workbook(people=people))
    assert errors(result) == [("people", 3, "gender")]
    assert snapshot() == before


def test_every_error_of_every_sheet_is_reported_with_excel_row_numbers():
    people = [
        PEOPLE[0],
        ["P1", "A", "Z", None, None, "CM-KA"],
        [None, None, None, None, None, None],
        ["P3", "", "F", 2999, None, "NOPE"],
    ]
    affiliations = [AFFILIATIONS[0], ["P9", "HTX-1", "boss", None, None, None]]
    result = run(full_workbook(people=people, affiliations=affiliations))
    assert errors(result) == [
        ("people", 2, "gender"),
        ("people", 4, "full_name"),
        ("people", 4, "birth_year"),
        ("people", 4, "org_unit_code"),
        ("affiliations", 2, "role"),
        ("affiliations", 2, "person_code"),
        ("cadres", 2, "person_code"),  # P2 is not in this file's people
    ]


def test_dry_run_counts_and_writes_nothing():
    result = run(full_workbook(), dry_run=True)
    assert result.ok and not result.written and result.dry_run
    assert counts(result)["people"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert table_sizes() == [0, 0, 0, 0, 0]


# --- Unreadable files ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"this is plain text, not a workbook", "registry.xlsx"),
        (b"PK\x03\x04 truncated zip", "registry.xlsx"),
        (b"%PDF-1.4 ...", "registry.pdf"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "registry.xls"),
        (b"", "registry.xlsx"),
        (b"", "people.csv"),
        (b"\x00\x01\x02binary", "people.csv"),
    ],
    ids=["text-as-xlsx", "corrupt-zip", "pdf", "xls", "empty-xlsx", "empty-csv", "binary-csv"],
)
def test_unreadable_files_give_one_clear_error(data, filename):
    result = run(data, filename=filename)
    assert not result.ok
    assert len(result.errors) == 1
    error = result.errors[0]
    assert error.sheet == "" and error.row is None and error.message
    assert "Traceback" not in error.message


def test_an_empty_workbook_is_an_error():
    result = run(make_workbook({"org_units": [], "people": []}))
    assert [e.message for e in result.errors] == ["Tệp không có dữ liệu: mọi trang tính đều trống."]


def test_a_workbook_without_any_known_sheet_is_an_error():
    result = run(make_workbook({"Sheet1": [["a", "b"], [1, 2]]}))
    assert not result.ok and "org_units" in result.errors[0].message


def test_a_sheet_without_a_header_is_an_error():
    result = run(make_workbook({"org_units": UNITS, "people": []}))
    assert errors(result) == [("people", 1, "")]
    assert table_sizes() == [0, 0, 0, 0, 0]


# --- The command ----------------------------------------------------------------------


def test_command_prints_counts_per_sheet(tmp_path):
    path = tmp_path / "registry.xlsx"
    path.write_bytes(full_workbook())
    out = io.StringIO()
    call_command("import_registry", str(path), stdout=out)
    lines = out.getvalue().splitlines()
    assert "people: 2 tạo mới, 0 cập nhật, 0 không đổi" in lines
    assert len(lines) == 5
    assert Person.objects.count() == 2


def test_command_dry_run_writes_nothing(tmp_path):
    path = tmp_path / "registry.xlsx"
    path.write_bytes(full_workbook())
    out = io.StringIO()
    call_command("import_registry", str(path), "--dry-run", stdout=out)
    assert "org_units: 3 tạo mới, 0 cập nhật, 0 không đổi" in out.getvalue()
    assert table_sizes() == [0, 0, 0, 0, 0]


def test_command_prints_one_line_per_error_and_exits_1(tmp_path):
    path = tmp_path / "registry.xlsx"
    path.write_bytes(full_workbook(people=[*PEOPLE, ["P3", "Ai đó", "Z", None, None, "NOPE"]]))
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_registry", str(path), stderr=err, stdout=io.StringIO())
    assert exit_info.value.code == 1
    lines = err.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("people, 4, gender: ")
    assert lines[1].startswith("people, 4, org_unit_code: Không có địa bàn mã “NOPE”")
    assert table_sizes() == [0, 0, 0, 0, 0]


@pytest.mark.parametrize("name", ["missing.xlsx", "notes.txt"])
def test_command_on_a_missing_or_unreadable_file_exits_1_without_traceback(tmp_path, name):
    path = tmp_path / name
    if name == "notes.txt":
        path.write_text("just some words")
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_registry", str(path), stderr=err, stdout=io.StringIO())
    assert exit_info.value.code == 1
    assert len(err.getvalue().splitlines()) == 1 and "Traceback" not in err.getvalue()


# --- Queries ------------------------------------------------------------------------


def people_workbook(n: int, tag: str) -> bytes:
    people = [PEOPLE[0]] + [[f"{tag}{i}", f"Người {i}", "F", 1980, None, "CM-KA"] for i in range(n)]
    affiliations = [AFFILIATIONS[0]] + [[f"{tag}{i}", "HTX-1", "member", None, None, "x"] for i in range(n)]
    cadres = [CADRES[0]] + [[f"{tag}{i}", "CM-KA", None, None, None, None] for i in range(n)]
    return full_workbook(people=people, affiliations=affiliations, cadres=cadres)


def test_the_number_of_queries_does_not_grow_with_the_rows(django_assert_num_queries):
    run(people_workbook(3, "A"))  # the units and the cooperative exist from now on
    with CaptureQueriesContext(connection) as small:
        assert run(people_workbook(3, "B")).written
    with django_assert_num_queries(len(small)):
        result = run(people_workbook(40, "C"))
    assert counts(result)["people"]["created"] == 40
