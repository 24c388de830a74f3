"""A plain reference implementation of CONTRACT §4, for the tests and the bench.

It loads the registry into Python and loops over people, reading the rules
as they are written, with nothing shared with the SQL computation: scope is
found by walking parent links (not paths), topics by plain sets, rounding by
exact fractions.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from fractions import Fraction

from certificates.models import Certificate
from content.models import CoursePage
from courses.models import Completion, TrainingSession
from lms.coverage.models import Indicator, Plan
from lms.registry.models import Affiliation, CadrePosition, Cooperative, OrgUnit, Person


@dataclass
class World:
    parent: dict[int, int | None] = field(default_factory=dict)
    units: dict[int, OrgUnit] = field(default_factory=dict)
    people: dict[int, Person] = field(default_factory=dict)
    cooperatives: dict[int, Cooperative] = field(default_factory=dict)
    affiliations: dict[int, list[Affiliation]] = field(default_factory=dict)  # by person
    cadres: dict[int, list[CadrePosition]] = field(default_factory=dict)
    course_topics: dict[int, set[str]] = field(default_factory=dict)
    session_topics: dict[int, set[str]] = field(default_factory=dict)
    session_end: dict[int, datetime.date] = field(default_factory=dict)
    completions: dict[int, list[Completion]] = field(default_factory=dict)
    certificates: dict[int, list[Certificate]] = field(default_factory=dict)


def _by_person(rows, people) -> dict:
    grouped: dict[int, list] = {}
    for r in rows:
        if r.person_id in people:
            grouped.setdefault(r.person_id, []).append(r)
    return grouped


def load_world(person_ids: set[int] | None = None) -> World:
    """Everything the rules read, loaded once (optionally only some people)."""
    w = World()
    for unit in OrgUnit.objects.all():
        w.units[unit.pk] = unit
        w.parent[unit.pk] = unit.parent_id
    people = Person.objects.all()
    if person_ids is not None:
        people = people.filter(pk__in=person_ids)
    w.people = {p.pk: p for p in people}
    w.cooperatives = {c.pk: c for c in Cooperative.objects.all()}
    w.affiliations = _by_person(Affiliation.objects.all(), w.people)
    w.cadres = _by_person(CadrePosition.objects.all(), w.people)
    for course in CoursePage.objects.prefetch_related("topics"):
        w.course_topics[course.pk] = {t.slug for t in course.topics.all()}
    for session in TrainingSession.objects.prefetch_related("topics"):
        w.session_topics[session.pk] = {t.slug for t in session.topics.all()}
        w.session_end[session.pk] = session.end_date
    w.completions = _by_person(Completion.objects.all(), w.people)
    w.certificates = _by_person(Certificate.objects.all(), w.people)
    return w


def is_at_or_below(w: World, unit_id: int, top_id: int) -> bool:
    current = unit_id
    while current is not None:
        if current == top_id:
            return True
        current = w.parent[current]
    return False


def active_on(row, day: datetime.date) -> bool:
    return (row.start_date is None or row.start_date <= day) and (row.end_date is None or row.end_date >= day)


def in_population(w: World, ind: Indicator, person: Person, unit_id: int, day: datetime.date) -> bool:
    if ind.population_who == "women" and person.gender != "F":
        return False
    if ind.population_source == "affiliations":
        for a in w.affiliations.get(person.pk, []):
            coop = w.cooperatives[a.cooperative_id]
            if not is_at_or_below(w, coop.org_unit_id, unit_id) or not active_on(a, day):
                continue
            if ind.roles and a.role not in ind.roles:
                continue
            if ind.cooperative_kinds and coop.kind not in ind.cooperative_kinds:
                continue
            if ind.women_led_only and not coop.women_led:
                continue
            if ind.stable_job_only and not a.stable_job:
                continue
            return True
        return False
    for c in w.cadres.get(person.pk, []):
        if not is_at_or_below(w, c.org_unit_id, unit_id) or not active_on(c, day):
            continue
        if ind.supports_cooperatives_only and not c.supports_cooperatives:
            continue
        return True
    return False


def completed_topic(
    w: World, person: Person, topics: set[str], start: datetime.date, day: datetime.date
) -> bool:
    for c in w.completions.get(person.pk, []):
        if c.course_id is not None:
            carries, on = w.course_topics[c.course_id], c.completed_on
        else:
            carries, on = w.session_topics[c.session_id], w.session_end[c.session_id]
        if carries & topics and start <= on <= day:
            return True
    return False


def certified_topic(
    w: World, person: Person, topics: set[str], start: datetime.date, day: datetime.date
) -> bool:
    for c in w.certificates.get(person.pk, []):
        carries = w.course_topics[c.course_id] if c.course_id is not None else w.session_topics[c.session_id]
        revoked = c.revoked_on is not None and c.revoked_on <= day
        if carries & topics and start <= c.issued_on <= day and not revoked:
            return True
    return False


def has_evidence(w: World, ind: Indicator, person: Person, start: datetime.date, day: datetime.date) -> bool:
    topics = {t.slug for t in ind.evidence_topics.all()}
    if ind.evidence == "none":
        return True
    if ind.evidence == "completed":
        return completed_topic(w, person, topics, start, day)
    return certified_topic(w, person, topics, start, day)


def numbers(w: World, plan: Plan, ind: Indicator, unit_id: int, day: datetime.date) -> tuple[int, int]:
    """(numerator, population): each person counted once."""
    population = numerator = 0
    for person in w.people.values():
        if in_population(w, ind, person, unit_id, day):
            population += 1
            if has_evidence(w, ind, person, plan.start_date, day):
                numerator += 1
    return numerator, population


def row(ind: Indicator, numerator: int, population: int) -> dict:
    target = Fraction(ind.target)
    if ind.kind == "count":
        return {
            "numerator": numerator,
            "denominator": None,
            "value": numerator,
            "met": numerator >= target,
            "shortfall": max(0, math.ceil(target - numerator)),
        }
    if population == 0:
        return {"numerator": numerator, "denominator": 0, "value": None, "met": None, "shortfall": 0}
    tenths = math.floor(Fraction(1000 * numerator, population) + Fraction(1, 2))  # half up
    value = Fraction(tenths, 10)
    return {
        "numerator": numerator,
        "denominator": population,
        "value": float(value),
        "met": value >= target,
        "shortfall": max(0, math.ceil(target * population / 100) - numerator),
    }


def reference_report(plan: Plan, unit: OrgUnit, day: datetime.date, w: World | None = None) -> dict:
    """The JSON of CONTRACT §5, computed the slow, plain way."""
    w = w or load_world()
    children = sorted((u for u in w.units.values() if u.parent_id == unit.pk), key=lambda u: u.path)
    indicators = []
    for ind in plan.indicators.order_by("sort_order", "pk").prefetch_related("evidence_topics"):
        target = Fraction(ind.target)
        entry = {
            "code": ind.code,
            "kind": ind.kind,
            "target": int(target) if target.denominator == 1 else float(target),
            **row(ind, *numbers(w, plan, ind, unit.pk, day)),
            "breakdown": [
                {
                    "org_unit": {"code": child.code, "name": child.name},
                    **row(ind, *numbers(w, plan, ind, child.pk, day)),
                }
                for child in children
            ],
        }
        indicators.append(entry)
    return {
        "plan": plan.code,
        "org_unit": {"code": unit.code, "name": unit.name},
        "as_of": day.isoformat(),
        "indicators": indicators,
    }
