"""Workbooks for the registry import tests."""

from __future__ import annotations

from lms.registry.importing import ImportResult
from lms.registry.services import registry_import
from tests.factories.registry import make_workbook

UNITS = [
    ["code", "name", "level", "parent_code"],
    ["AG", "Tỉnh An Giang", "province", None],
    ["CM", "Huyện Chợ Mới", "district", "AG"],
    ["CM-KA", "Xã Kiến An", "commune", "CM"],
]
COOPS = [
    ["code", "name", "kind", "org_unit_code", "women_led", "established"],
    ["HTX-1", "HTX Nông nghiệp Kiến An", "HTX", "CM-KA", "yes", "2019-05-01"],
]
PEOPLE = [
    ["code", "full_name", "gender", "birth_year", "phone", "org_unit_code"],
    ["P1", "Nguyễn Thị Hoa", "F", 1980, "0900000001", "CM-KA"],
    ["P2", "Trần Thị Lan", "F", 1975, None, "CM-KA"],
]
AFFILIATIONS = [
    ["person_code", "cooperative_code", "role", "start_date", "end_date", "stable_job"],
    ["P1", "HTX-1", "chair", "2020-01-01", None, "yes"],
    ["P2", "HTX-1", "member", None, None, "no"],
]
CADRES = [
    ["person_code", "org_unit_code", "position", "supports_cooperatives", "start_date", "end_date"],
    ["P2", "CM-KA", "Chủ tịch Hội LHPN xã", "yes", "2021-01-01", None],
]


def full_workbook(**overrides) -> bytes:
    sheets = {
        "org_units": UNITS,
        "cooperatives": COOPS,
        "people": PEOPLE,
        "affiliations": AFFILIATIONS,
        "cadres": CADRES,
    }
    sheets.update(overrides)
    return make_workbook({name: rows for name, rows in sheets.items() if rows is not None})


def run(data: bytes, *, filename: str = "registry.xlsx", user=None, dry_run: bool = False) -> ImportResult:
    return registry_import(source=data, filename=filename, user=user, dry_run=dry_run)


def errors(result: ImportResult) -> list[tuple]:
    return [(e.sheet, e.row, e.column) for e in result.errors]


def counts(result: ImportResult) -> dict:
    return {sheet: c.as_dict() for sheet, c in result.counts.items()}
