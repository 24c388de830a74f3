"""Completion rows: the single record of finished training.

Every write to ``Completion`` goes through the two sync functions here, which
derive the rows from their sources (online enrolments completed by the
person's account, attendance of sessions) so that the rows can always be
recomputed and never disagree with what was recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction

from courses.models import Attendance, Completion, Enrollment, TrainingSession
from courses.signals import course_completed
from lms.registry.models import Person


def completions_sync_session(*, session: TrainingSession, person_ids: Iterable[int]) -> list[Completion]:
    """Make the session completions of ``person_ids`` match their attendance.

    A person present at ``session`` has ``Completion(person, session,
    completed_on=session.end_date, source=in_person)``; a person not present
    has none. When the session teaches a course, the course completions of
    the same people are re-derived too (``completions_sync_course``).
    Returns the completions created; ``course_completed`` is sent for each
    after commit. Call inside the caller's transaction.
    """
    ids = set(person_ids)
    if not ids:
        return []
    present = set(
        Attendance.objects.filter(session=session, person_id__in=ids, attended=True).values_list(
            "person_id", flat=True
        )
    )
    existing = {c.person_id: c for c in Completion.objects.filter(session=session, person_id__in=ids)}
    created = Completion.objects.bulk_create(
        [
            Completion(
                person_id=pid,
                session=session,
                completed_on=session.end_date,
                source=Completion.Source.IN_PERSON,
            )
            for pid in sorted(present - existing.keys())
        ]
    )
    stale = [c for pid, c in existing.items() if pid in present and c.completed_on != session.end_date]
    for c in stale:
        c.completed_on = session.end_date
    Completion.objects.bulk_update(stale, ["completed_on"])
    gone = [c.pk for pid, c in existing.items() if pid not in present]
    if gone:
        Completion.objects.filter(pk__in=gone).delete()
    for c in created:
        c.session = session
    announce(created)
    if session.course_id:
        created += completions_sync_course(course_id=session.course_id, person_ids=ids)
    return created


def completions_sync_course(*, course_id: int, person_ids: Iterable[int]) -> list[Completion]:
    """Re-derive the course completions of ``person_ids`` from every source.

    Sources: an online enrolment of the person's account with a completion
    date, and attendance of any session teaching the course (dated the
    session's end_date). The row keeps the earliest date (an online source
    wins a tie); with no source left, the row is deleted. Returns the rows
    created and announces them after commit. Call inside a transaction.
    """
    ids = set(person_ids)
    if not ids:
        return []
    best: dict[int, tuple[date, int, str, int | None]] = {}

    def offer(pid: int, on: date, source: str, via: int | None) -> None:
        # Sort key: date first, then online (0) before in person (1).
        candidate = (on, 0 if source == Completion.Source.ONLINE else 1, source, via)
        if pid not in best or candidate[:2] < best[pid][:2]:
            best[pid] = candidate

    online = Enrollment.objects.filter(
        course_id=course_id, completed_on__isnull=False, user__person_id__in=ids
    ).values_list("user__person_id", "completed_on")
    for pid, on in online:
        offer(pid, on, Completion.Source.ONLINE, None)
    in_person = Attendance.objects.filter(
        attended=True, session__course_id=course_id, person_id__in=ids
    ).values_list("person_id", "session__end_date", "session_id")
    for pid, on, sid in in_person:
        offer(pid, on, Completion.Source.IN_PERSON, sid)

    existing = {c.person_id: c for c in Completion.objects.filter(course_id=course_id, person_id__in=ids)}
    created = Completion.objects.bulk_create(
        [
            Completion(person_id=pid, course_id=course_id, completed_on=on, source=source, via_session_id=via)
            for pid, (on, _rank, source, via) in sorted(best.items())
            if pid not in existing
        ]
    )
    changed = []
    for pid, c in existing.items():
        if pid in best:
            on, _rank, source, via = best[pid]
            if (c.completed_on, c.source, c.via_session_id) != (on, source, via):
                c.completed_on, c.source, c.via_session_id = on, source, via
                changed.append(c)
    Completion.objects.bulk_update(changed, ["completed_on", "source", "via_session"])
    gone = [c.pk for pid, c in existing.items() if pid not in best]
    if gone:
        Completion.objects.filter(pk__in=gone).delete()
    announce(created)
    return created


def announce(completions: list[Completion]) -> None:
    """Send ``course_completed`` for each new completion once the
    transaction commits (never for a rolled-back one)."""
    if not completions:
        return
    rows = list(completions)

    def send() -> None:
        from content.models import CoursePage

        people = Person.objects.in_bulk({c.person_id for c in rows})
        courses = CoursePage.objects.in_bulk({c.course_id for c in rows if c.course_id})
        sessions = TrainingSession.objects.in_bulk({c.session_id for c in rows if c.session_id})
        for c in rows:
            if c.person_id not in people:
                continue
            course_completed.send(
                sender=Completion,
                completion=c,
                person=people[c.person_id],
                course=courses.get(c.course_id) if c.course_id else None,
                session=sessions.get(c.session_id) if c.session_id else None,
                completed_on=c.completed_on,
            )

    transaction.on_commit(send)
