"""The member table follows the registry whatever writes it: saves, bulk
inserts, queryset updates, moves in the unit tree, deletions (triggers of
``lms.coverage.members``, on SQLite and PostgreSQL alike)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command

from lms.coverage import members
from lms.coverage.models import Member
from lms.registry.models import Affiliation, CadrePosition, Cooperative, OrgUnit, Person
from tests.factories.registry import (
    AffiliationFactory,
    CadrePositionFactory,
    CooperativeFactory,
    PersonFactory,
    make_tree,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def expected() -> set[tuple]:
    """The member rows, read from the registry through the ORM."""
    rows = set()
    for a in Affiliation.objects.select_related("cooperative__org_unit", "person"):
        coop = a.cooperative
        rows.add(
            (
                "affiliations",
                a.pk,
                a.person_id,
                coop.org_unit_id,
                coop.pk,
                coop.org_unit.path,
                a.role,
                coop.kind,
                coop.women_led,
                a.stable_job,
                False,
                a.person.gender,
                a.start_date,
                a.end_date,
            )
        )
    for c in CadrePosition.objects.select_related("org_unit", "person"):
        rows.add(
            (
                "cadres",
                c.pk,
                c.person_id,
                c.org_unit_id,
                None,
                c.org_unit.path,
                "",
                "",
                False,
                False,
                c.supports_cooperatives,
                c.person.gender,
                c.start_date,
                c.end_date,
            )
        )
    return rows


def table() -> set[tuple]:
    return set(
        Member.objects.values_list(
            "source",
            "row_id",
            "person_id",
            "unit_id",
            "cooperative_id",
            "path",
            "role",
            "kind",
            "women_led",
            "stable_job",
            "supports_cooperatives",
            "gender",
            "start_date",
            "end_date",
        )
    )


@pytest.fixture
def registry():
    _province, district, ka, kt = make_tree()
    coops = [
        CooperativeFactory(org_unit=ka, kind="HTX", women_led=True),
        CooperativeFactory(org_unit=kt, kind="THT", women_led=False),
    ]
    people = [PersonFactory(org_unit=ka), PersonFactory(org_unit=kt, gender="M")]
    AffiliationFactory(person=people[0], cooperative=coops[0], role="chair", start_date=D(2023, 1, 1))
    AffiliationFactory(person=people[1], cooperative=coops[1], role="member", stable_job=True)
    CadrePositionFactory(person=people[0], org_unit=district, supports_cooperatives=True)
    return {"district": district, "communes": (ka, kt), "coops": coops, "people": people}


def test_saved_roles_appear_with_what_the_rules_read(registry):
    assert len(table()) == 3
    assert table() == expected()
    chair = Member.objects.get(source="affiliations", role="chair")
    assert (chair.kind, chair.women_led, chair.gender) == ("HTX", True, "F")
    assert chair.path == registry["communes"][0].path


def test_bulk_created_roles_appear(registry):
    person = PersonFactory(org_unit=registry["communes"][1])
    Affiliation.objects.bulk_create(
        [Affiliation(person=person, cooperative=c, role="worker") for c in registry["coops"]]
    )
    CadrePosition.objects.bulk_create([CadrePosition(person=person, org_unit=registry["communes"][1])])
    assert len(table()) == 6
    assert table() == expected()


def test_queryset_updates_of_roles_cooperatives_and_people_follow(registry):
    Affiliation.objects.filter(role="member").update(role="director", end_date=D(2024, 6, 30))
    Cooperative.objects.filter(kind="THT").update(kind="HTX", women_led=True, org_unit=registry["district"])
    Person.objects.filter(gender="M").update(gender="F")
    CadrePosition.objects.update(supports_cooperatives=False, org_unit=registry["communes"][1])
    assert table() == expected()
    moved = Member.objects.get(source="affiliations", role="director")
    assert (moved.kind, moved.women_led, moved.gender, moved.path) == (
        "HTX",
        True,
        "F",
        registry["district"].path,
    )


def test_a_moved_unit_carries_its_roles_to_the_new_path(registry):
    ka = registry["communes"][0]
    other = OrgUnit.objects.create(
        code="LX", name="Huyện Khác", level="district", parent=registry["district"].parent
    )
    ka.parent = other
    ka.save()
    ka.refresh_from_db()
    assert ka.path.startswith(other.path)
    assert table() == expected()
    assert set(Member.objects.filter(unit_id=ka.pk).values_list("path", flat=True)) == {ka.path}


def test_deleted_roles_and_people_leave(registry):
    Affiliation.objects.filter(role="chair").delete()
    assert table() == expected()
    registry["people"][0].delete()
    assert table() == expected()
    assert not Member.objects.filter(person_id=registry["people"][0].pk).exists()


def test_rebuild_gives_the_table_the_triggers_keep(registry):
    kept = table()
    Member.objects.all().delete()
    assert members.rebuild() == 3
    assert table() == kept == expected()


def test_the_rebuild_command_refills_an_emptied_table(registry):
    out = io.StringIO()
    Member.objects.all().delete()
    call_command("coverage_rebuild_members", stdout=out)
    assert out.getvalue().strip() == "Đã ghi 3 vị trí."
    assert table() == expected()
