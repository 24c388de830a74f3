"""Build coverage scenarios: plans, indicators, training evidence.

Completions and certificates are written straight to their models here (the
shape ``courses`` and ``certificates`` give them): a session completion is
dated the session's end_date, a certificate carries its issue date and, when
revoked, the day it was revoked.
"""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from certificates.models import Certificate
from content.models import CourseIndexPage, CoursePage, Topic
from courses.models import Completion, TrainingSession
from lms.coverage.models import Indicator, Plan
from lms.registry.models import MANAGER_ROLES, OrgUnit, Person

SEEDED = "cho-moi-2024"
_serials = itertools.count(1)
_codes = itertools.count(1)


def seeded_plan() -> Plan:
    return Plan.objects.get(code=SEEDED)


def make_plan(
    code: str = "ke-hoach-thu",
    *,
    start: datetime.date = datetime.date(2024, 1, 1),
    end: datetime.date = datetime.date(2024, 12, 31),
    root: OrgUnit | None = None,
) -> Plan:
    return Plan.objects.create(code=code, name=f"Kế hoạch {code}", start_date=start, end_date=end, root=root)


def make_indicator(plan: Plan, code: str, *, topics: tuple[str, ...] = (), **fields) -> Indicator:
    fields.setdefault("name", code)
    fields.setdefault("target", Decimal(100))
    fields.setdefault("sort_order", plan.indicators.count())
    indicator = Indicator.objects.create(plan=plan, code=code, **fields)
    through = Indicator.evidence_topics.through
    through.objects.bulk_create(
        through(indicator_id=indicator.pk, topic_id=pk)
        for pk in Topic.objects.filter(slug__in=topics).values_list("pk", flat=True)
    )
    return Indicator.objects.prefetch_related("evidence_topics").get(pk=indicator.pk)


def managers_indicator(plan: Plan, code: str = "managers", **fields) -> Indicator:
    fields.setdefault("topics", ("governance", "accounting"))
    return make_indicator(plan, code, roles=list(MANAGER_ROLES), women_led_only=True, **fields)


def make_course(*topics: str, title: str | None = None) -> CoursePage:
    """A published course page carrying ``topics`` (no lessons: only its
    topics matter to coverage)."""
    index = CourseIndexPage.objects.first()
    n = next(_codes)
    course = CoursePage(title=title or f"Khóa học {n}", slug=f"khoa-hoc-phu-{n}", summary="Tóm tắt")
    index.add_child(instance=course)
    course.topics.set(Topic.objects.filter(slug__in=topics))
    course.save()
    return course


def make_session(
    *topics: str,
    end: datetime.date = datetime.date(2024, 5, 1),
    start: datetime.date | None = None,
    org_unit: OrgUnit | None = None,
) -> TrainingSession:
    n = next(_codes)
    session = TrainingSession.objects.create(
        code=f"LTH-{n:05d}",
        title=f"Lớp tập huấn {n}",
        start_date=start or end,
        end_date=end,
        org_unit=org_unit,
    )
    session.topics.set(Topic.objects.filter(slug__in=topics))
    return session


def complete(
    person: Person,
    *,
    course: CoursePage | None = None,
    session: TrainingSession | None = None,
    on: datetime.date | None = None,
) -> Completion:
    """A completion: online (``course``, dated ``on``) or in person
    (``session``, dated the session's end_date)."""
    if session is not None:
        return Completion.objects.create(
            person=person, session=session, completed_on=session.end_date, source=Completion.Source.IN_PERSON
        )
    return Completion.objects.create(
        person=person, course=course, completed_on=on, source=Completion.Source.ONLINE
    )


def certify(
    person: Person,
    *,
    course: CoursePage | None = None,
    session: TrainingSession | None = None,
    issued_on: datetime.date,
    revoked_on: datetime.date | None = None,
) -> Certificate:
    n = next(_serials)
    return Certificate.objects.create(
        person=person,
        course=course,
        session=session,
        serial=f"NT-T-{n:06d}",
        title=str(course or session),
        holder_name=person.full_name,
        issued_on=issued_on,
        revoked_on=revoked_on,
    )


def populate(
    units: list[OrgUnit], *, per_unit: int = 2, session: TrainingSession | None = None
) -> list[Person]:
    """In each unit: a women-led HTX with ``per_unit`` women managers (the
    first of each unit trained at ``session``), a member with a stable job and
    a Union cadre supporting cooperatives. Bulk writes: a few queries
    whatever the size."""
    from lms.registry.models import Affiliation, CadrePosition, Cooperative

    session = session or make_session("governance", end=datetime.date(2024, 5, 16))
    n = next(_codes)
    coops = Cooperative.objects.bulk_create(
        Cooperative(code=f"HTX-{n}-{i}", name=f"HTX {unit.name}", kind="HTX", org_unit=unit)
        for i, unit in enumerate(units)
    )
    people, affiliations, cadres, trained = [], [], [], []
    for i, unit in enumerate(units):
        for j in range(per_unit + 2):
            people.append(
                Person(
                    code=f"NG-{n}-{i}-{j}",
                    full_name=f"Nguyễn Thị {unit.code} {j}",
                    gender="F",
                    phone=f"09{i:04d}{j:04d}",
                    org_unit=unit,
                )
            )
    people = Person.objects.bulk_create(people)
    for i, coop in enumerate(coops):
        group = people[i * (per_unit + 2) : (i + 1) * (per_unit + 2)]
        managers, member, cadre = group[:per_unit], group[per_unit], group[per_unit + 1]
        affiliations += [
            Affiliation(person=p, cooperative=coop, role=MANAGER_ROLES[k % 6]) for k, p in enumerate(managers)
        ]
        affiliations.append(Affiliation(person=member, cooperative=coop, role="member", stable_job=True))
        cadres.append(CadrePosition(person=cadre, org_unit=coop.org_unit, supports_cooperatives=True))
        trained.append(managers[0])
    Affiliation.objects.bulk_create(affiliations)
    CadrePosition.objects.bulk_create(cadres)
    Completion.objects.bulk_create(
        Completion(
            person=p, session=session, completed_on=session.end_date, source=Completion.Source.IN_PERSON
        )
        for p in trained
    )
    return people
