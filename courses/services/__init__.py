"""Writes of the courses app.

Public services other apps may call (keyword-only, each owns its
transaction and sends side effects after commit):

- ``person_for_user(user=)``: the account's registry person, created lazily.
- ``enrollment_enrol(user=, course=, by=None)``, ``enrollment_withdraw(enrollment=)``,
  ``enrollment_bulk_enrol(course=, users=, by=)``.
- ``lesson_mark_done(user=, lesson=)``, ``enrollment_check_completion(enrollment=)``.
- ``attempt_start(user=, quiz=)``, ``attempt_submit(attempt=, answers=)``.
- ``attendance_set(session=, present=, absent=)``, ``session_resync(session=, ...)``,
  ``session_delete(session=)``.
"""

from courses.services.completions import completions_sync_course, completions_sync_session
from courses.services.enrollment import (
    BulkEnrolResult,
    enrollment_bulk_enrol,
    enrollment_enrol,
    enrollment_withdraw,
)
from courses.services.people import person_for_user
from courses.services.progress import enrollment_check_completion, enrollment_touch, lesson_mark_done
from courses.services.quiz import attempt_start, attempt_submit, attempts_expire_overdue
from courses.services.sessions import AttendanceResult, attendance_set, session_delete, session_resync

__all__ = [
    "AttendanceResult",
    "BulkEnrolResult",
    "attempt_start",
    "attempt_submit",
    "attempts_expire_overdue",
    "attendance_set",
    "completions_sync_course",
    "completions_sync_session",
    "enrollment_bulk_enrol",
    "enrollment_check_completion",
    "enrollment_enrol",
    "enrollment_touch",
    "enrollment_withdraw",
    "lesson_mark_done",
    "person_for_user",
    "session_delete",
    "session_resync",
]
