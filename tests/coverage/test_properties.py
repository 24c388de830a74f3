"""Property tests: the SQL computation equals the plain reference (CONTRACT §4)
on random registries, roles, dates, sessions, completions and certificates,
for every indicator, every unit and several report days."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lms.coverage.models import Indicator
from lms.coverage.selectors import coverage_for_unit, report_as_dict
from lms.registry.models import Affiliation, CadrePosition, Cooperative, OrgUnit, Person, Role
from tests.coverage.reference import load_world, reference_report
from tests.factories.coverage import (
    certify,
    complete,
    make_course,
    make_indicator,
    make_plan,
    make_session,
    seeded_plan,
)

D = datetime.date
DAYS = [
    D(2023, 6, 1),
    D(2023, 12, 31),
    D(2024, 1, 1),
    D(2024, 3, 15),
    D(2024, 6, 30),
    D(2024, 7, 1),
    D(2024, 12, 31),
    D(2025, 2, 1),
]
TOPICS = ["governance", "accounting", "ecommerce", "technology", "advocacy", "coop_development", "other"]

day = st.sampled_from(DAYS)
maybe_day = st.one_of(st.none(), day)


def _period(draw_a, draw_b):
    if draw_a is not None and draw_b is not None and draw_b < draw_a:
        return draw_b, draw_a
    return draw_a, draw_b


@st.composite
def worlds(draw):
    communes = draw(st.lists(st.integers(0, 3), min_size=1, max_size=2))  # communes per district
    n_units = 1 + len(communes) + sum(communes)
    unit = st.integers(0, n_units - 1)
    coops = draw(st.lists(st.tuples(unit, st.sampled_from(["HTX", "THT"]), st.booleans()), max_size=6))
    people = draw(st.lists(st.sampled_from(["F", "F", "M", "X"]), max_size=8))
    world = {"communes": communes, "coops": coops, "people": people}
    if not people:
        world.update(affiliations=[], cadres=[], completions=[], certificates=[], sessions=[])
        return world
    person = st.integers(0, len(people) - 1)
    world["affiliations"] = (
        draw(
            st.lists(
                st.tuples(
                    person,
                    st.integers(0, len(coops) - 1),
                    st.sampled_from(Role.values),
                    maybe_day,
                    maybe_day,
                    st.booleans(),
                ),
                max_size=12,
            )
        )
        if coops
        else []
    )
    world["cadres"] = draw(st.lists(st.tuples(person, unit, st.booleans(), maybe_day, maybe_day), max_size=5))
    world["sessions"] = draw(
        st.lists(st.tuples(st.sets(st.sampled_from(TOPICS), min_size=1, max_size=2), day), max_size=3)
    )
    sources = ["c0", "c1", "c2"] + [f"s{i}" for i in range(len(world["sessions"]))]
    world["completions"] = draw(st.lists(st.tuples(person, st.sampled_from(sources), day), max_size=12))
    world["certificates"] = draw(
        st.lists(st.tuples(person, st.sampled_from(sources), day, maybe_day), max_size=6)
    )
    return world


indicator_rules = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["percent", "count"]),
        "population_who": st.sampled_from(["women", "everyone"]),
        "population_source": st.sampled_from(["affiliations", "cadres"]),
        "roles": st.lists(st.sampled_from(Role.values), unique=True, max_size=3),
        "cooperative_kinds": st.lists(st.sampled_from(["HTX", "THT"]), unique=True, max_size=1),
        "women_led_only": st.booleans(),
        "stable_job_only": st.booleans(),
        "supports_cooperatives_only": st.booleans(),
        "evidence": st.sampled_from(["completed", "certified", "none"]),
        "topics": st.sets(st.sampled_from(TOPICS), min_size=1, max_size=3).map(tuple),
        "target": st.sampled_from([Decimal(0), Decimal("33.3"), Decimal(50), Decimal(100), Decimal(3)]),
    }
)


def build(world, courses):
    province = OrgUnit.objects.create(code="T", name="Tỉnh", level="province")
    units = [province]
    for d, n in enumerate(world["communes"]):
        district = OrgUnit.objects.create(code=f"H{d}", name=f"Huyện {d}", level="district", parent=province)
        units.append(district)
        for c in range(n):
            units.append(
                OrgUnit.objects.create(code=f"X{d}{c}", name=f"Xã {d}{c}", level="commune", parent=district)
            )
    coops = Cooperative.objects.bulk_create(
        Cooperative(code=f"C{i}", name=f"HTX {i}", kind=kind, women_led=led, org_unit=units[u])
        for i, (u, kind, led) in enumerate(world["coops"])
    )
    people = Person.objects.bulk_create(
        Person(code=f"P{i}", full_name=f"Người {i}", gender=g) for i, g in enumerate(world["people"])
    )
    affiliations, cadres = {}, {}
    for p, c, role, a, b, stable in world["affiliations"]:
        start, end = _period(a, b)
        # The registry keeps one row per person, cooperative, role and start.
        affiliations.setdefault((p, c, role, start), (end, stable))
    Affiliation.objects.bulk_create(
        Affiliation(
            person=people[p],
            cooperative=coops[c],
            role=role,
            start_date=start,
            end_date=end,
            stable_job=stable,
        )
        for (p, c, role, start), (end, stable) in affiliations.items()
    )
    for p, u, sup, a, b in world["cadres"]:
        start, end = _period(a, b)
        cadres.setdefault((p, u, start), (end, sup))
    CadrePosition.objects.bulk_create(
        CadrePosition(
            person=people[p], org_unit=units[u], supports_cooperatives=sup, start_date=start, end_date=end
        )
        for (p, u, start), (end, sup) in cadres.items()
    )
    sources = {f"c{i}": ("course", c) for i, c in enumerate(courses)}
    for i, (topics, end) in enumerate(world["sessions"]):
        sources[f"s{i}"] = ("session", make_session(*topics, start=end - datetime.timedelta(days=2), end=end))
    seen = set()
    for p, src, on in world["completions"]:
        if (p, src) not in seen:
            seen.add((p, src))
            kind, obj = sources[src]
            complete(people[p], on=on, **{kind: obj})
    seen = set()
    for p, src, issued, revoked in world["certificates"]:
        if (p, src) not in seen:
            seen.add((p, src))
            kind, obj = sources[src]
            if revoked is not None and revoked < issued:
                issued, revoked = revoked, issued
            certify(people[p], issued_on=issued, revoked_on=revoked, **{kind: obj})
    return units


@pytest.fixture
def courses(db):
    return [
        make_course("governance"),
        make_course("ecommerce", "technology"),
        make_course("advocacy", "coop_development"),
    ]


# Both ways of reading the proofs, whatever the size of the subtree: in one
# pass split into person ranges (3, so that ranges fall unevenly), and by
# probing each person's proofs.
READS = [
    pytest.param({"COVERAGE_SCAN_SHARE": 0, "COVERAGE_SQL_BRANCHES": 3}, id="scan"),
    pytest.param({"COVERAGE_SCAN_SHARE": 2, "COVERAGE_SQL_BRANCHES": 3}, id="probe"),
]


def assert_same(plan, units, days, read):
    world = load_world()
    for unit in units:
        unit.refresh_from_db()
        for as_of in days:
            with override_settings(**read):
                sql = report_as_dict(coverage_for_unit(plan=plan, unit=unit, as_of=as_of))
            assert sql == reference_report(plan, unit, as_of, world), (unit.code, as_of)


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=worlds(), days=st.lists(day, min_size=1, max_size=2, unique=True))
@pytest.mark.parametrize("read", READS)
def test_seeded_indicators_equal_reference(courses, world, days, read):
    with transaction.atomic():
        units = build(world, courses)
        assert_same(seeded_plan(), units, days, read)
        transaction.set_rollback(True)


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    world=worlds(),
    rules=indicator_rules,
    days=st.lists(day, min_size=1, max_size=2, unique=True),
    start=st.sampled_from([D(2024, 1, 1), D(2024, 3, 15), D(2023, 6, 1)]),
)
@pytest.mark.parametrize("read", READS)
def test_any_indicator_rule_equals_reference(courses, world, rules, days, start, read):
    rules = dict(rules)
    if rules["population_source"] == "cadres":
        rules.update(roles=[], cooperative_kinds=[], women_led_only=False, stable_job_only=False)
    else:
        rules["supports_cooperatives_only"] = False
    if rules["kind"] == "percent" and rules["evidence"] == "none":
        rules["evidence"] = "completed"
    with transaction.atomic():
        units = build(world, courses)
        plan = make_plan("ngau-nhien", start=start, end=D(2024, 12, 31))
        indicator = make_indicator(plan, "random", **rules)
        indicator.full_clean()
        assert Indicator.objects.filter(plan=plan).count() == 1
        assert_same(plan, units, days, read)
        transaction.set_rollback(True)
