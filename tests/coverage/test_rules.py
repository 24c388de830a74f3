"""One named test per rule of CONTRACT §4, on the seeded plan cho-moi-2024."""

from __future__ import annotations

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import timezone

from lms.coverage.models import Plan
from lms.coverage.selectors import (
    Counts,
    Status,
    coverage_for_unit,
    default_as_of,
    elapsed_fraction,
    percent_value,
    report_as_dict,
    status_of,
)
from lms.coverage.selectors import (
    figures as compute_figures,
)
from lms.registry.models import OrgUnit
from tests.factories.coverage import certify, complete, make_course, make_indicator, make_plan, make_session
from tests.factories.registry import (
    AffiliationFactory,
    CadrePositionFactory,
    CooperativeFactory,
    PersonFactory,
)

D = datetime.date
END = D(2024, 12, 31)
pytestmark = pytest.mark.django_db


def figures(plan: Plan, unit: OrgUnit, day: datetime.date = END) -> dict:
    data = report_as_dict(coverage_for_unit(plan=plan, unit=unit, as_of=day))
    return {ind["code"]: ind for ind in data["indicators"]}


def manager(unit: OrgUnit, *, role="chair", women_led=True, kind="HTX", gender="F", **dates):
    coop = CooperativeFactory(org_unit=unit, women_led=women_led, kind=kind)
    person = PersonFactory(gender=gender, org_unit=unit)
    AffiliationFactory(person=person, cooperative=coop, role=role, **dates)
    return person


def governance_session(end: datetime.date | None = None):
    end = end or D(2024, 5, 16)
    return make_session("governance", start=end - datetime.timedelta(days=2), end=end)


# --- active on D ----------------------------------------------------------------------


def test_affiliation_counts_only_while_active_on_the_report_day(plan, tree):
    ka = tree[2]
    manager(ka)  # open dates: always active
    manager(ka, start_date=D(2024, 6, 30))  # starts on D: active
    manager(ka, end_date=D(2024, 6, 30))  # ends on D: active
    manager(ka, start_date=D(2024, 7, 1))  # starts after D
    manager(ka, start_date=D(2023, 1, 1), end_date=D(2024, 6, 29))  # ended before D
    assert figures(plan, ka, D(2024, 6, 30))["managers_trained"]["denominator"] == 3
    assert figures(plan, ka, D(2024, 7, 1))["managers_trained"]["denominator"] == 3  # +late start, -ended


def test_cadre_position_counts_only_while_active_on_the_report_day(plan, tree):
    ka = tree[2]
    CadrePositionFactory(org_unit=ka, start_date=D(2024, 3, 1), end_date=D(2024, 8, 31))
    CadrePositionFactory(org_unit=ka)
    assert figures(plan, ka, D(2024, 2, 29))["cadres_advocacy"]["denominator"] == 1
    assert figures(plan, ka, D(2024, 3, 1))["cadres_advocacy"]["denominator"] == 2
    assert figures(plan, ka, D(2024, 8, 31))["cadres_advocacy"]["denominator"] == 2
    assert figures(plan, ka, D(2024, 9, 1))["cadres_advocacy"]["denominator"] == 1


# --- completed topic T in [S, D] -------------------------------------------------------


def test_completion_counts_only_within_the_plan_period_up_to_the_day(plan, tree):
    ka = tree[2]
    on_start, before_start, on_day, after_day = (manager(ka) for _ in range(4))
    complete(on_start, session=governance_session(D(2024, 1, 1)))
    complete(before_start, session=governance_session(D(2023, 12, 31)))
    complete(on_day, session=governance_session(D(2024, 6, 30)))
    complete(after_day, session=governance_session(D(2024, 7, 1)))
    trained = figures(plan, ka, D(2024, 6, 30))["managers_trained"]
    assert (trained["numerator"], trained["denominator"]) == (2, 4)
    assert figures(plan, ka, END)["managers_trained"]["numerator"] == 3


def test_online_course_completion_counts_by_its_date_and_topics(plan, tree):
    ka = tree[2]
    accounting, ecommerce = make_course("accounting"), make_course("ecommerce")
    a, b = manager(ka), manager(ka)
    complete(a, course=accounting, on=D(2024, 4, 1))
    complete(b, course=ecommerce, on=D(2024, 4, 1))  # not a managers_trained topic
    assert figures(plan, ka, D(2024, 3, 31))["managers_trained"]["numerator"] == 0
    assert figures(plan, ka, D(2024, 4, 1))["managers_trained"]["numerator"] == 1


def test_session_completion_is_dated_the_session_end(plan, tree):
    ka = tree[2]
    person = manager(ka)
    complete(person, session=make_session("accounting", start=D(2024, 3, 1), end=D(2024, 3, 5)))
    assert figures(plan, ka, D(2024, 3, 4))["managers_trained"]["numerator"] == 0
    assert figures(plan, ka, D(2024, 3, 5))["managers_trained"]["numerator"] == 1


def test_training_on_another_topic_is_no_evidence(plan, tree):
    ka = tree[2]
    complete(manager(ka), session=make_session("advocacy", "other", end=D(2024, 5, 1)))
    assert figures(plan, ka)["managers_trained"]["numerator"] == 0


# --- certified in T, not revoked on or before D ---------------------------------------------


def test_certificate_counts_from_its_issue_day_within_the_period(plan, tree):
    ka = tree[2]
    early, inside = manager(ka), manager(ka)
    certify(early, session=make_session("technology", end=D(2023, 12, 1)), issued_on=D(2023, 12, 1))
    certify(inside, session=make_session("ecommerce", end=D(2024, 5, 2)), issued_on=D(2024, 5, 2))
    assert figures(plan, ka, D(2024, 5, 1))["managers_certified"]["numerator"] == 0
    assert figures(plan, ka, D(2024, 5, 2))["managers_certified"]["numerator"] == 1


def test_certificate_revoked_on_or_before_the_day_does_not_count(plan, tree):
    ka = tree[2]
    person = manager(ka)
    certify(
        person,
        session=make_session("governance", end=D(2024, 5, 2)),
        issued_on=D(2024, 5, 2),
        revoked_on=D(2024, 9, 10),
    )
    assert figures(plan, ka, D(2024, 9, 9))["managers_certified"]["numerator"] == 1
    assert figures(plan, ka, D(2024, 9, 10))["managers_certified"]["numerator"] == 0
    assert figures(plan, ka, END)["managers_certified"]["numerator"] == 0


# --- who is in the population ----------------------------------------------------------


def test_population_filters_of_the_seeded_indicators(plan, tree):
    ka = tree[2]
    manager(ka)  # counted by managers_* and members_digital
    manager(ka, gender="M")  # not a woman
    manager(ka, women_led=False)  # not women-led
    manager(ka, role="member")  # members_digital only
    manager(ka, role="worker", kind="THT")  # THT: not members_digital
    stable = PersonFactory(gender="F")
    AffiliationFactory(
        person=stable, cooperative=CooperativeFactory(org_unit=ka, kind="THT"), stable_job=True
    )
    CadrePositionFactory(org_unit=ka, supports_cooperatives=True, person=PersonFactory(gender="M"))
    CadrePositionFactory(org_unit=ka)
    got = figures(plan, ka)
    assert got["managers_trained"]["denominator"] == 2  # the chair and the stable-job chair (THT)
    assert got["members_digital"]["denominator"] == 2  # the chair and the member, in HTX
    assert got["coop_staff_trained"]["denominator"] == 1  # men count: "people"
    assert got["cadres_advocacy"]["denominator"] == 2
    assert got["stable_jobs"]["value"] == 1


def test_person_with_several_roles_is_counted_once(plan, tree):
    ka = tree[2]
    person = manager(ka, role="chair")
    AffiliationFactory(person=person, cooperative=CooperativeFactory(org_unit=ka), role="accountant")
    AffiliationFactory(person=person, cooperative=person.affiliations.first().cooperative, role="director")
    complete(person, session=governance_session())
    trained = figures(plan, ka)["managers_trained"]
    assert (trained["numerator"], trained["denominator"]) == (1, 1)


def test_person_in_two_communes_counts_in_each_and_once_in_the_total(plan, tree):
    _province, district, ka, kt = tree
    person = manager(ka)
    AffiliationFactory(person=person, cooperative=CooperativeFactory(org_unit=kt), role="director")
    complete(person, session=governance_session())
    trained = figures(plan, district)["managers_trained"]
    assert (trained["numerator"], trained["denominator"]) == (1, 1)
    assert [(row["numerator"], row["denominator"]) for row in trained["breakdown"]] == [(1, 1), (1, 1)]


def test_cooperative_of_the_unit_itself_counts_in_its_total_but_in_no_child(plan, tree):
    _province, district, ka, _kt = tree
    manager(district)
    manager(ka)
    trained = figures(plan, district)["managers_trained"]
    assert trained["denominator"] == 2
    assert [row["denominator"] for row in trained["breakdown"]] == [1, 0]


# --- the formulas ------------------------------------------------------------------------


def test_denominator_zero_gives_null_value_and_met_and_no_shortfall(plan, tree):
    trained = figures(plan, tree[2])["managers_trained"]
    assert trained == {
        "code": "managers_trained",
        "kind": "percent",
        "target": 100,
        "numerator": 0,
        "denominator": 0,
        "value": None,
        "met": None,
        "shortfall": 0,
        "breakdown": [],
    }


def test_percent_value_is_rounded_half_up_to_one_decimal():
    assert percent_value(1, 3) == Decimal("33.3")
    assert percent_value(2, 3) == Decimal("66.7")
    assert percent_value(1, 16) == Decimal("6.3")  # 6.25 rounds up
    assert percent_value(1, 8) == Decimal("12.5")
    assert percent_value(0, 5) == Decimal("0.0")
    assert percent_value(1, 0) is None


def test_percent_shortfall_is_ceiling_of_target_share_minus_numerator(plan, tree):
    ka = tree[2]
    people = [manager(ka) for _ in range(7)]
    for person in people[:1]:
        certify(person, session=make_session("governance", end=D(2024, 5, 1)), issued_on=D(2024, 5, 1))
    certified = figures(plan, ka)["managers_certified"]  # target 30
    # ⌈30 × 7 / 100⌉ = ⌈2.1⌉ = 3 people needed, 1 certified.
    assert [certified[k] for k in ("numerator", "denominator", "value", "met", "shortfall")] == [
        1,
        7,
        14.3,
        False,
        2,
    ]
    for person in people[1:3]:
        certify(person, session=make_session("accounting", end=D(2024, 6, 1)), issued_on=D(2024, 6, 1))
    certified = figures(plan, ka)["managers_certified"]
    assert (certified["value"], certified["met"], certified["shortfall"]) == (42.9, True, 0)


def test_met_compares_the_rounded_value_with_the_target(tree):
    ka = tree[2]
    plan = make_plan("ke-hoach-2025", start=D(2024, 1, 1), end=END)
    make_indicator(plan, "third", target=Decimal("33.3"), roles=["chair"], topics=("governance",))
    people = [manager(ka) for _ in range(3)]
    complete(people[0], session=governance_session())
    third = figures(plan, ka)["third"]
    assert (third["value"], third["met"], third["target"], third["shortfall"]) == (33.3, True, 33.3, 0)


def test_count_indicator_value_met_and_shortfall(plan, tree):
    ka = tree[2]
    for _ in range(3):
        person = PersonFactory(gender="F")
        AffiliationFactory(
            person=person, cooperative=CooperativeFactory(org_unit=ka), stable_job=True, role="worker"
        )
    jobs = figures(plan, ka)["stable_jobs"]
    assert jobs == {
        "code": "stable_jobs",
        "kind": "count",
        "target": 267,
        "numerator": 3,
        "denominator": None,
        "value": 3,
        "met": False,
        "shortfall": 264,
        "breakdown": [],
    }


def test_count_indicator_with_evidence_counts_only_people_with_it(tree):
    ka = tree[2]
    plan = make_plan("dem-nguoi", start=D(2024, 1, 1), end=END)
    make_indicator(plan, "trained_count", kind="count", target=Decimal(1), topics=("governance",))
    trained, _other = manager(ka), manager(ka)
    complete(trained, session=governance_session())
    got = figures(plan, ka)["trained_count"]
    assert (got["value"], got["denominator"], got["met"], got["shortfall"]) == (1, None, True, 0)


# --- breakdown ---------------------------------------------------------------------------


def test_breakdown_has_one_row_per_direct_child(plan, tree):
    province, district, ka, kt = tree
    hamlet = OrgUnit.objects.create(code="CM-KA-1", name="Ấp 1", level="commune", parent=ka)
    manager(hamlet)
    at_province = figures(plan, province)["managers_trained"]
    assert [row["org_unit"]["code"] for row in at_province["breakdown"]] == ["CM"]
    assert at_province["breakdown"][0]["denominator"] == 1
    at_district = figures(plan, district)["managers_trained"]
    assert [(row["org_unit"], row["denominator"]) for row in at_district["breakdown"]] == [
        ({"code": "CM-KA", "name": "Xã Kiến An"}, 1),
        ({"code": "CM-KT", "name": "Xã Kiến Thành"}, 0),
    ]


def test_leaf_unit_has_an_empty_breakdown(plan, tree):
    manager(tree[3])
    assert all(ind["breakdown"] == [] for ind in figures(plan, tree[3]).values())


# --- the report itself ------------------------------------------------------------------


def test_report_json_has_the_contract_shape(plan, tree):
    data = report_as_dict(coverage_for_unit(plan=plan, unit=tree[1], as_of=END))
    assert list(data) == ["plan", "org_unit", "as_of", "indicators"]
    assert data["plan"] == "cho-moi-2024"
    assert data["org_unit"] == {"code": "CM", "name": "Huyện Chợ Mới"}
    assert data["as_of"] == "2024-12-31"
    assert [i["code"] for i in data["indicators"]] == [
        "managers_trained",
        "managers_certified",
        "members_digital",
        "coop_staff_trained",
        "cadres_advocacy",
        "stable_jobs",
    ]
    first = data["indicators"][0]
    assert list(first) == [
        "code",
        "kind",
        "target",
        "numerator",
        "denominator",
        "value",
        "met",
        "shortfall",
        "breakdown",
    ]
    assert list(first["breakdown"][0]) == [
        "org_unit",
        "numerator",
        "denominator",
        "value",
        "met",
        "shortfall",
    ]


def test_default_report_day_is_today_or_the_plan_end(db):
    past = make_plan("da-xong", start=D(2020, 1, 1), end=D(2020, 12, 31))
    assert default_as_of(past) == D(2020, 12, 31)
    future = make_plan("sap-toi", start=D(2024, 1, 1), end=D(2099, 12, 31))
    assert default_as_of(future) == timezone.localdate()


def test_traffic_light_met_on_track_or_behind_the_period(plan, tree):
    """On track: the value reaches the target × the share of the period past."""
    indicator = plan.indicators.get(code="managers_certified")  # target 30
    june = elapsed_fraction(plan, D(2024, 6, 30))  # 182 of 366 days
    assert june == Fraction(182, 366)
    ka = tree[2]

    def status(numerator, population, day_share):
        row = compute_figures(indicator, ka, Counts(numerator=numerator, population=population))
        return status_of(indicator, row, day_share)[0]

    assert status(3, 10, june) == Status.MET  # 30% ≥ 30%
    assert status(2, 10, june) == Status.ON_TRACK  # 20% ≥ 30% × 182/366 ≈ 14,9%
    assert status(1, 10, june) == Status.BEHIND  # 10% < 14,9%
    assert status(0, 0, june) == Status.NO_DATA
    assert elapsed_fraction(plan, D(2023, 6, 1)) == 0 and elapsed_fraction(plan, D(2025, 6, 1)) == 1
