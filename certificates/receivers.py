"""Listeners of other apps' extension points."""

from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def on_course_completed(sender, *, person, course=None, session=None, completed_on, **kwargs) -> None:
    """``courses.signals.course_completed``: queue the issuing task. A broker
    outage must not break the learner's page: it is logged, and a bulk
    issue of the course or session later gives the certificate."""
    from certificates.tasks import issue_certificate

    if session is not None:
        due = session.issues_certificate
    else:
        due = course is not None and course.earns_certificate
    if not due:
        return

    def enqueue() -> None:
        issue_certificate.delay(
            person_id=person.pk,
            course_id=course.pk if course is not None else None,
            session_id=session.pk if session is not None else None,
            completed_on=completed_on.isoformat(),
        )

    transaction.on_commit(enqueue, robust=True)
