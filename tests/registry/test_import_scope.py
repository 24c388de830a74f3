"""An official imports only rows inside her scope (CONTRACT §2, DESIGN)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from lms.registry.models import Affiliation, CadrePosition, Cooperative, OrgUnit, Person
from tests.factories.registry import (
    CooperativeFactory,
    OrgUnitFactory,
    PersonFactory,
    UserFactory,
    make_tree,
    make_workbook,
    official,
)
from tests.registry.helpers import counts, errors, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """AG > CM > (CM-KA, CM-KT) and AG > TS > TS-1; an official of CM."""
    province, district, ka, kt = make_tree()
    ts = OrgUnitFactory(code="TS", name="Huyện Thoại Sơn", level="district", parent=province)
    ts1 = OrgUnitFactory(code="TS-1", name="Xã Vọng Thê", level="commune", parent=ts)
    return {"official": official(district), "ka": ka, "ts1": ts1}


def sizes():
    return [m.objects.count() for m in (OrgUnit, Cooperative, Person, Affiliation, CadrePosition)]


PEOPLE_HEADER = ["code", "full_name", "gender", "org_unit_code"]


def test_official_imports_rows_of_her_units(world):
    data = make_workbook(
        {
            "org_units": [
                ["code", "name", "level", "parent_code"],
                ["CM-MH", "Xã Mỹ Hội Đông", "commune", "CM"],
            ],
            "cooperatives": [["code", "name", "kind", "org_unit_code"], ["H1", "HTX Mỹ Hội", "HTX", "CM-MH"]],
            "people": [PEOPLE_HEADER, ["P1", "Võ Thị Thu", "F", "CM-MH"]],
            "affiliations": [["person_code", "cooperative_code", "role"], ["P1", "H1", "director"]],
            "cadres": [["person_code", "org_unit_code"], ["P1", "CM"]],
        }
    )
    result = run(data, user=world["official"])
    assert result.written, result.errors
    assert OrgUnit.objects.get(code="CM-MH").is_within(OrgUnit.objects.get(code="CM"))
    assert Affiliation.objects.get().cooperative.code == "H1"


def test_official_may_rename_her_own_unit(world):
    data = make_workbook(
        {
            "org_units": [
                ["code", "name", "level", "parent_code"],
                ["CM", "Huyện Chợ Mới (mới)", "district", "AG"],
            ]
        }
    )
    assert counts(run(data, user=world["official"]))["org_units"]["updated"] == 1


@pytest.mark.parametrize(
    ("sheets", "where"),
    [
        (
            {"people": [PEOPLE_HEADER, ["P1", "Trong", "F", "CM-KA"], ["P2", "Ngoài", "F", "TS-1"]]},
            ("people", 3, "org_unit_code"),
        ),
        (
            {"people": [PEOPLE_HEADER, ["P1", "Trong", "F", "CM-KA"], ["P2", "Không địa bàn", "F", None]]},
            ("people", 3, "org_unit_code"),
        ),
        (
            {"cooperatives": [["code", "name", "kind", "org_unit_code"], ["H9", "HTX ngoài", "HTX", "TS-1"]]},
            ("cooperatives", 2, "org_unit_code"),
        ),
        ({"cadres": [["person_code", "org_unit_code"], ["IN", "AG"]]}, ("cadres", 2, "org_unit_code")),
        (
            {"org_units": [["code", "name", "level", "parent_code"], ["NEW", "Xã mới", "commune", "TS"]]},
            ("org_units", 2, "parent_code"),
        ),
        (
            {"org_units": [["code", "name", "level", "parent_code"], ["ROOT", "Tỉnh mới", "province", None]]},
            ("org_units", 2, "parent_code"),
        ),
        (
            {
                "org_units": [
                    ["code", "name", "level", "parent_code"],
                    ["TS-1", "Xã Vọng Thê", "commune", "CM"],
                ]
            },
            ("org_units", 2, "code"),
        ),
        (
            {
                "org_units": [
                    ["code", "name", "level", "parent_code"],
                    ["CM-KA", "Xã Kiến An", "commune", "TS"],
                ]
            },
            ("org_units", 2, "parent_code"),
        ),
        (
            {
                "org_units": [
                    ["code", "name", "level", "parent_code"],
                    ["CM", "Huyện Chợ Mới", "district", "TS"],
                ]
            },
            ("org_units", 2, "parent_code"),
        ),
        ({"people": [PEOPLE_HEADER, ["OUT", "Đổi địa bàn", "F", "CM-KA"]]}, ("people", 2, "code")),
        (
            {"affiliations": [["person_code", "cooperative_code", "role"], ["IN", "HOUT", "member"]]},
            ("affiliations", 2, "cooperative_code"),
        ),
        (
            {"affiliations": [["person_code", "cooperative_code", "role"], ["OUT", "HIN", "member"]]},
            ("affiliations", 2, "person_code"),
        ),
    ],
    ids=[
        "person-outside",
        "person-without-unit",
        "cooperative-outside",
        "cadre-above-scope",
        "unit-under-outside-parent",
        "root-unit",
        "edit-unit-outside",
        "move-unit-out",
        "move-own-unit",
        "take-over-person-outside",
        "affiliation-cooperative-outside",
        "affiliation-person-outside",
    ],
)
def test_rows_outside_her_scope_are_errors_and_nothing_is_written(world, sheets, where):
    PersonFactory(code="IN", org_unit=world["ka"])
    PersonFactory(code="OUT", org_unit=world["ts1"])
    CooperativeFactory(code="HIN", org_unit=world["ka"])
    CooperativeFactory(code="HOUT", org_unit=world["ts1"])
    before = sizes()
    paths = dict(OrgUnit.objects.values_list("code", "path"))
    result = run(make_workbook(sheets), user=world["official"])
    assert where in errors(result)
    assert (
        "phạm vi" in " ".join(e.message for e in result.errors) or "cấp cao nhất" in result.errors[0].message
    )
    assert sizes() == before
    assert dict(OrgUnit.objects.values_list("code", "path")) == paths
    assert Person.objects.get(code="OUT").full_name != "Đổi địa bàn"


def test_an_admin_may_do_all_of_that(world):
    data = make_workbook(
        {
            "org_units": [["code", "name", "level", "parent_code"], ["ROOT", "Tỉnh mới", "province", None]],
            "people": [PEOPLE_HEADER, ["P2", "Ngoài", "F", "TS-1"], ["P3", "Không địa bàn", "F", None]],
        }
    )
    assert run(data, user=UserFactory(role="admin")).written


@pytest.mark.parametrize("role", ["learner", "trainer"])
def test_learners_and_trainers_may_not_import(world, role):
    with pytest.raises(PermissionDenied):
        run(
            make_workbook({"people": [PEOPLE_HEADER, ["P1", "A", "F", "CM-KA"]]}), user=UserFactory(role=role)
        )
