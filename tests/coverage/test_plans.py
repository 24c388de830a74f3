"""Plans and indicators are data: seeded by a migration, added in the admin."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from content.models import Topic
from lms.coverage.models import Indicator, Plan
from lms.coverage.services import plan_attach_seeded_root
from lms.registry.models import MANAGER_ROLES, OrgUnit
from tests.factories.coverage import make_plan

pytestmark = pytest.mark.django_db
ADD = "/admin/coverage_plans/new/"
INDEX = "/admin/coverage_plans/"


def test_seeded_plan_has_the_six_indicators_of_the_contract(db):
    plan = Plan.objects.get(code="cho-moi-2024")
    assert (plan.start_date, plan.end_date) == (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    got = {
        i.code: (
            i.kind,
            i.target,
            i.population_who,
            i.population_source,
            sorted(i.roles),
            i.cooperative_kinds,
            i.women_led_only,
            i.stable_job_only,
            i.supports_cooperatives_only,
            i.evidence,
            sorted(t.slug for t in i.evidence_topics.all()),
        )
        for i in plan.indicators.all()
    }
    managers = sorted(MANAGER_ROLES)
    assert got == {
        "managers_trained": ("percent", 100, "women", "affiliations", managers, [], True, False, False, "completed", ["accounting", "governance"]),
        "managers_certified": (
            "percent", 30, "women", "affiliations", managers, [], True, False, False, "certified",
            ["accounting", "ecommerce", "governance", "technology"],
        ),
        "members_digital": ("percent", 50, "women", "affiliations", [], ["HTX"], True, False, False, "completed", ["ecommerce", "technology"]),
        "coop_staff_trained": ("percent", 100, "everyone", "cadres", [], [], False, False, True, "completed", ["coop_development"]),
        "cadres_advocacy": ("percent", 80, "everyone", "cadres", [], [], False, False, False, "completed", ["advocacy"]),
        "stable_jobs": ("count", 267, "women", "affiliations", [], [], True, True, False, "none", []),
    }  # fmt: skip


def test_seeded_plan_takes_the_demo_district_as_root_when_it_appears(db):
    plan = Plan.objects.get(code="cho-moi-2024")
    assert plan.root is None
    assert plan_attach_seeded_root() is False  # no district yet
    province = OrgUnit.objects.create(code="AG", name="Tỉnh An Giang", level="province")
    district = OrgUnit.objects.create(code="CM", name="Huyện Chợ Mới", level="district", parent=province)
    plan.refresh_from_db()
    assert plan.root == district
    other = make_plan("khac")
    assert plan_attach_seeded_root() is False and other.root is None


def test_indicator_rules_are_validated(db):
    plan = make_plan("kiem-tra")
    bad = Indicator(plan=plan, code="x", name="x", kind="percent", target=Decimal(50), evidence="none")
    with pytest.raises(ValidationError) as error:
        bad.full_clean()
    assert "evidence" in error.value.message_dict
    cadres = Indicator(
        plan=plan,
        code="y",
        name="y",
        target=Decimal(50),
        population_source="cadres",
        roles=["chair"],
        women_led_only=True,
    )
    with pytest.raises(ValidationError) as error:
        cadres.full_clean()
    assert {"roles", "women_led_only"} <= set(error.value.message_dict)
    unknown_role = Indicator(plan=plan, code="z", name="z", target=Decimal(50), roles=["queen"])
    with pytest.raises(ValidationError) as error:
        unknown_role.full_clean()
    assert "roles" in error.value.message_dict


def _plan_form(root: OrgUnit, code: str = "ke-hoach-2025") -> dict:
    topics = list(Topic.objects.filter(slug__in=["governance", "accounting"]).values_list("pk", flat=True))
    return {
        "code": code,
        "name": "Kế hoạch 2025",
        "start_date": "2025-01-01",
        "end_date": "2025-12-31",
        "root": str(root.pk),
        "description": "",
        "indicators-TOTAL_FORMS": "1",
        "indicators-INITIAL_FORMS": "0",
        "indicators-MIN_NUM_FORMS": "1",
        "indicators-MAX_NUM_FORMS": "1000",
        "indicators-0-id": "",
        "indicators-0-ORDER": "1",
        "indicators-0-DELETE": "",
        "indicators-0-code": "managers_trained",
        "indicators-0-name": "Nữ quản lý được bồi dưỡng",
        "indicators-0-kind": "percent",
        "indicators-0-target": "90",
        "indicators-0-population_who": "women",
        "indicators-0-population_source": "affiliations",
        "indicators-0-roles": ["chair", "director"],
        "indicators-0-cooperative_kinds": ["THT"],
        "indicators-0-women_led_only": "on",
        "indicators-0-evidence": "completed",
        "indicators-0-evidence_topics": [str(pk) for pk in topics],
    }


def test_official_adds_next_years_plan_in_the_admin(login, tree, district_official):
    client = login(district_official)
    response = client.post(ADD, _plan_form(tree[1]))
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = Plan.objects.get(code="ke-hoach-2025")
    assert plan.root == tree[1]
    indicator = plan.indicators.get()
    assert (indicator.roles, indicator.cooperative_kinds, indicator.target) == (
        ["chair", "director"],
        ["THT"],
        90,
    )
    assert sorted(t.slug for t in indicator.evidence_topics.all()) == ["accounting", "governance"]


def test_official_cannot_put_a_plan_above_her_unit(login, tree, commune_official):
    client = login(commune_official)
    response = client.post(ADD, _plan_form(tree[1]))
    assert response.status_code == 200  # the form again, with an error on the root
    assert not Plan.objects.filter(code="ke-hoach-2025").exists()


def test_official_lists_only_plans_of_her_unit(login, plan, tree, commune_official, district_official):
    make_plan("xa-kien-an-2025", root=tree[2])
    assert "xa-kien-an-2025" in login(commune_official).get(INDEX).content.decode()
    listing = login(commune_official).get(INDEX).content.decode()
    assert "cho-moi-2024" not in listing
    assert login(commune_official).get(f"/admin/coverage_plans/edit/{plan.pk}/").status_code == 404
    assert "cho-moi-2024" in login(district_official).get(INDEX).content.decode()
