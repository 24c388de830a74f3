"""The coverage computation (CONTRACT §4), in SQL.

Everything that counts people goes through this module: the report page, the
API, the command, the exports, the snapshots and the people lists.

The unit tree is a materialised path of fixed-width steps ("0000000001."),
so "U or below" is ``path LIKE 'P%'`` and the unit at depth d above a row is
``SUBSTR(path, 1, d * STEP)``. Counting an indicator for a set of units at one
depth is therefore ONE grouped query: group the population rows by that
prefix and count distinct people, and distinct people with evidence. A
person with roles in two units is counted in each unit's group, and once in
a group that spans both.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Substr

from certificates.models import Certificate
from content.models import CoursePage
from courses.models import Completion, TrainingSession
from lms.coverage.models import Indicator
from lms.registry.models import PATH_STEP, Affiliation, CadrePosition, Person

STEP = PATH_STEP + 1  # characters of one level of the path, dot included


@dataclass(frozen=True)
class Counts:
    """Distinct people in the population, and those of them with the evidence."""

    numerator: int = 0
    population: int = 0


def _active_on(as_of: datetime.date, prefix: str = "") -> Q:
    return (Q(**{f"{prefix}start_date__isnull": True}) | Q(**{f"{prefix}start_date__lte": as_of})) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": as_of})
    )


def population_rows(indicator: Indicator, *, path_prefix: str, as_of: datetime.date) -> tuple[QuerySet, str]:
    """The rows (affiliations or cadre positions) that put a person in the
    indicator's population for the unit whose path is ``path_prefix``, and the
    lookup of the row's unit path.

    One row per role held, so a person may appear several times: callers count
    ``person_id`` distinct.
    """
    if indicator.from_affiliations:
        path = "cooperative__org_unit__path"
        rows = Affiliation.objects.filter(_active_on(as_of))
        if indicator.roles:
            rows = rows.filter(role__in=indicator.roles)
        if indicator.cooperative_kinds:
            rows = rows.filter(cooperative__kind__in=indicator.cooperative_kinds)
        if indicator.women_led_only:
            rows = rows.filter(cooperative__women_led=True)
        if indicator.stable_job_only:
            rows = rows.filter(stable_job=True)
    else:
        path = "org_unit__path"
        rows = CadrePosition.objects.filter(_active_on(as_of))
        if indicator.supports_cooperatives_only:
            rows = rows.filter(supports_cooperatives=True)
    if indicator.population_who == Indicator.Who.WOMEN:
        rows = rows.filter(person__gender=Person.Gender.FEMALE)
    if path_prefix:
        rows = rows.filter(**{f"{path}__startswith": path_prefix})
    return rows.order_by(), path


def topic_ids(indicator: Indicator) -> list[int]:
    """The indicator's evidence topics (read from a prefetch when there is one)."""
    return sorted(topic.pk for topic in indicator.evidence_topics.all())


def evidence_exists(
    indicator: Indicator, *, start: datetime.date, as_of: datetime.date, person_ref: str = "person_id"
) -> Exists | None:
    """``EXISTS`` the evidence for the person in ``OuterRef(person_ref)``, or
    None when the indicator needs no evidence (everyone counts)."""
    if indicator.evidence == Indicator.Evidence.NONE:
        return None
    topics = topic_ids(indicator)
    courses = CoursePage.topics.through.objects.filter(topic_id__in=topics).values("coursepage_id")
    sessions = TrainingSession.topics.through.objects.filter(topic_id__in=topics).values("trainingsession_id")
    carries_topic = Q(course_id__in=courses) | Q(session_id__in=sessions)
    if indicator.evidence == Indicator.Evidence.COMPLETED:
        # A session's completion is dated the session's end_date (CONTRACT §3).
        proof = Completion.objects.filter(
            person_id=OuterRef(person_ref), completed_on__gte=start, completed_on__lte=as_of
        )
    else:
        proof = Certificate.objects.filter(
            Q(revoked_on__isnull=True) | Q(revoked_on__gt=as_of),
            person_id=OuterRef(person_ref),
            issued_on__gte=start,
            issued_on__lte=as_of,
        )
    return Exists(proof.filter(carries_topic))


def _grouped(
    indicator: Indicator,
    *,
    path_prefix: str,
    key_length: int,
    start: datetime.date,
    as_of: datetime.date,
    level: int,
) -> QuerySet:
    rows, path = population_rows(indicator, path_prefix=path_prefix, as_of=as_of)
    proof = evidence_exists(indicator, start=start, as_of=as_of)
    covered = F("person_id") if proof is None else Case(When(proof, then=F("person_id")))
    return (
        rows.values(key=Substr(path, 1, key_length), level=Value(level, output_field=IntegerField()))
        .annotate(
            population=Count("person_id", distinct=True),
            numerator=Count(covered, distinct=True),
        )
        .values_list("key", "level", "population", "numerator")
    )


def counts_by_unit_path(
    indicator: Indicator,
    *,
    path_prefix: str,
    depths: Iterable[int],
    start: datetime.date,
    as_of: datetime.date,
) -> dict[str, Counts]:
    """Counts of ``indicator`` for every unit under ``path_prefix`` (itself
    included) at each of ``depths``, keyed by unit path, in ONE query.

    Units without any population row are absent (their counts are zero).
    """
    parts = [
        _grouped(
            indicator,
            path_prefix=path_prefix,
            key_length=depth * STEP,
            start=start,
            as_of=as_of,
            level=depth,
        )
        for depth in depths
    ]
    if not parts:
        return {}
    query = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    result: dict[str, Counts] = {}
    for key, level, population, numerator in query:
        # A row lying above a depth is grouped under its own, shorter path:
        # it belongs to no unit of that depth.
        if len(key) == level * STEP:
            result[key] = Counts(numerator=numerator, population=population)
    return result


def people_in_population(
    indicator: Indicator, *, path_prefix: str, start: datetime.date, as_of: datetime.date, which: str
) -> QuerySet[Person]:
    """The people behind a number: ``which`` is "all" (the population),
    "covered" (the numerator) or "missing" (population minus numerator)."""
    rows, _path = population_rows(indicator, path_prefix=path_prefix, as_of=as_of)
    people = Person.objects.filter(Exists(rows.filter(person_id=OuterRef("pk"))))
    proof = evidence_exists(indicator, start=start, as_of=as_of, person_ref="pk")
    if which == "covered" and proof is not None:
        people = people.filter(proof)
    elif which == "missing":
        people = people.none() if proof is None else people.filter(~proof)
    return people
