"""In-person sessions and their attendance."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from courses.models import Attendance, TrainingSession
from courses.services.completions import completions_sync_course, completions_sync_session


@dataclass
class AttendanceResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def attendance_set(
    *, session: TrainingSession, present: Iterable[int] = (), absent: Iterable[int] = ()
) -> AttendanceResult:
    """Tick (``present``) and un-tick (``absent``) registry people (ids) on
    ``session``; idempotent and set-based.

    A present person gets ``Completion(person, session)`` dated the session's
    end_date and, when the session teaches a course, the course completion
    (the earliest date of all her sources is kept). Un-ticking keeps an
    ``attended=False`` row, removes the session completion, and removes the
    course completion only when no other source remains (her own online
    completion, or another session teaching the course); otherwise the course
    completion takes the earliest remaining date. Certificates already issued
    are not revoked here (``revoke_certificate`` does that).
    ``course_completed`` is sent after commit for each new completion.
    Callers check that the people are within the user's scope.
    """
    present, absent = set(present), set(absent)
    if present & absent:
        raise ValidationError(_("Một người không thể vừa có mặt vừa vắng mặt."), code="conflict")
    result = AttendanceResult()
    with transaction.atomic():
        # One writer per session at a time: two trainers ticking the same list
        # see each other's changes.
        TrainingSession.objects.select_for_update().filter(pk=session.pk).first()
        existing = {
            a.person_id: a for a in Attendance.objects.filter(session=session, person_id__in=present | absent)
        }
        new_rows = [
            Attendance(session=session, person_id=pid, attended=True) for pid in present - existing.keys()
        ]
        new_rows += [
            Attendance(session=session, person_id=pid, attended=False) for pid in absent - existing.keys()
        ]
        Attendance.objects.bulk_create(new_rows)
        flip = [a for pid, a in existing.items() if a.attended != (pid in present)]
        for a in flip:
            a.attended = a.person_id in present
        Attendance.objects.bulk_update(flip, ["attended", "recorded_at"])
        result.created, result.updated = len(new_rows), len(flip)
        result.unchanged = len(existing) - len(flip)
        completions_sync_session(session=session, person_ids=present | absent)
    return result


def session_resync(*, session: TrainingSession, previous_course_id: int | None = None) -> None:
    """After a session's dates or course changed: bring the completions of
    everyone recorded on it up to date (dates follow end_date; a course the
    session no longer teaches loses the completions it gave)."""
    with transaction.atomic():
        person_ids = set(Attendance.objects.filter(session=session).values_list("person_id", flat=True))
        completions_sync_session(session=session, person_ids=person_ids)
        if previous_course_id and previous_course_id != session.course_id:
            completions_sync_course(course_id=previous_course_id, person_ids=person_ids)


def session_delete(*, session: TrainingSession) -> None:
    """Delete a session, its attendance and completions, and re-derive the
    course completions it gave. Refused once it has certificates."""
    with transaction.atomic():
        person_ids = set(Attendance.objects.filter(session=session).values_list("person_id", flat=True))
        course_id = session.course_id
        try:
            session.delete()
        except ProtectedError as exc:
            raise ValidationError(
                _("Lớp tập huấn đã có giấy chứng nhận nên không xóa được."), code="protected"
            ) from exc
        if course_id:
            completions_sync_course(course_id=course_id, person_ids=person_ids)
