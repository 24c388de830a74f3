"""``generate_scale_data``: deterministic, the sizes asked, a report that the
reference agrees with."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from certificates.models import Certificate
from courses.models import Completion
from lms.coverage.models import Plan
from lms.coverage.selectors import coverage_for_unit, report_as_dict
from lms.registry.models import Affiliation, CadrePosition, Cooperative, OrgUnit, Person
from tests.coverage.reference import load_world, reference_report

pytestmark = pytest.mark.django_db
SMALL = ["--scale", "0.0004", "--courses", "3", "--sessions", "12"]


def generate() -> tuple:
    call_command("generate_scale_data", *SMALL, stdout=io.StringIO())
    return (
        OrgUnit.objects.count(),
        list(Person.objects.order_by("pk").values_list("code", "gender", "org_unit__code")),
        list(
            Affiliation.objects.order_by("pk").values_list(
                "person__code", "cooperative__code", "role", "start_date"
            )
        ),
        Completion.objects.count(),
        Certificate.objects.count(),
    )


def test_generator_is_deterministic_and_sized():
    with transaction.atomic():
        first = generate()
        transaction.set_rollback(True)
    with transaction.atomic():
        second = generate()
        transaction.set_rollback(True)
    assert first == second
    units, people, affiliations, completions, certificates = first
    assert units == 1 + 63 + 63 + 63  # the nation, 63 provinces, at least one district and commune each
    assert (len(people), len(affiliations), completions, certificates) == (400, 600, 1200, 120)


def test_generated_registry_report_equals_the_reference():
    call_command("generate_scale_data", *SMALL, stdout=io.StringIO())
    assert Cooperative.objects.count() == 40 and CadrePosition.objects.count() == 80
    plan = Plan.objects.select_related("root").get(code="toan-quoc-2024")
    assert plan.indicators.count() == 6
    day = datetime.date(2024, 12, 31)
    world = load_world()
    district = OrgUnit.objects.filter(level="district").order_by("code").first()
    for unit in (plan.root, district):
        assert report_as_dict(coverage_for_unit(plan=plan, unit=unit, as_of=day)) == reference_report(
            plan, unit, day, world
        )
    with pytest.raises(CommandError, match="VN"):
        call_command("generate_scale_data", *SMALL, stdout=io.StringIO())
