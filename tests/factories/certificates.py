"""Certificates built as the system builds them: a completion, then the
issuing service."""

from __future__ import annotations

import datetime
import uuid

from certificates.models import Certificate
from certificates.services import certificate_issue
from courses.models import Completion, TrainingSession
from lms.registry.models import OrgUnit, Person
from tests.factories.registry import PersonFactory


def make_session(
    title: str = "Tập huấn kế toán HTX",
    *,
    issues_certificate: bool = True,
    start_date: datetime.date = datetime.date(2024, 5, 6),
    end_date: datetime.date = datetime.date(2024, 5, 8),
    org_unit: OrgUnit | None = None,
    course=None,
) -> TrainingSession:
    return TrainingSession.objects.create(
        code=f"S-{uuid.uuid4().hex[:8]}",
        title=title,
        start_date=start_date,
        end_date=end_date,
        issues_certificate=issues_certificate,
        org_unit=org_unit,
        course=course,
    )


def make_completion(
    person: Person,
    *,
    course=None,
    session: TrainingSession | None = None,
    completed_on: datetime.date = datetime.date(2024, 6, 15),
    source: str | None = None,
) -> Completion:
    if source is None:
        source = Completion.Source.IN_PERSON if session is not None else Completion.Source.ONLINE
    return Completion.objects.create(
        person=person, course=course, session=session, completed_on=completed_on, source=source
    )


def issue(
    person: Person | None = None,
    *,
    course=None,
    session: TrainingSession | None = None,
    issued_on: datetime.date = datetime.date(2024, 6, 15),
) -> Certificate:
    """A completion and its certificate (PDF not rendered: that happens
    after commit)."""
    person = person or PersonFactory()
    make_completion(person, course=course, session=session, completed_on=issued_on)
    return certificate_issue(person=person, course=course, session=session, issued_on=issued_on)
