"""Lesson progress and course completion (online)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from content.models import LessonPage
from courses.models import Attempt, Enrollment, LessonProgress
from courses.selectors import course_of, course_outlines
from courses.services.completions import completions_sync_course
from courses.services.people import person_for_user
from lms.registry.models import User


def active_enrollment_locked(*, user: User, course_id: int) -> Enrollment:
    """The active enrolment of ``user`` in the course, locked for update
    (the row that serialises a learner's writes on one course). Requires an
    open transaction."""
    enrollment = (
        Enrollment.objects.select_for_update().filter(user=user, course_id=course_id).first()
        if user.is_authenticated
        else None
    )
    if enrollment is None or enrollment.status != Enrollment.Status.ACTIVE:
        raise ValidationError(_("Bạn cần đăng ký học khóa học này trước."), code="not_enrolled")
    return enrollment


def lesson_mark_done(*, user: User, lesson: LessonPage) -> tuple[Enrollment, bool]:
    """Record that ``user`` finished ``lesson`` ("Đã học xong"); idempotent.

    Requires an active enrolment in the lesson's course. Also remembers the
    lesson as where she left off, and completes the course when this was the
    last step (``enrollment_check_completion``). Returns ``(enrollment,
    newly_done)``.
    """
    if not lesson.live:
        raise ValidationError(_("Bài học này chưa được xuất bản."), code="not_live")
    course = course_of(lesson)
    with transaction.atomic():
        enrollment = active_enrollment_locked(user=user, course_id=course.pk)
        _progress, created = LessonProgress.objects.get_or_create(enrollment=enrollment, lesson=lesson)
        enrollment.last_lesson = lesson
        enrollment.last_activity_at = timezone.now()
        enrollment.save(update_fields=["last_lesson", "last_activity_at"])
        if created:
            enrollment_check_completion(enrollment=enrollment)
        return enrollment, created


def enrollment_check_completion(*, enrollment: Enrollment) -> bool:
    """Complete the course when every live lesson is done and every live quiz
    of the course is passed (a course with no quiz: all lessons).

    Requires ``enrollment`` locked in the current transaction. Stores the
    completion date (today, local time) on the enrolment and writes the
    person's ``Completion`` (source online; ``course_completed`` is sent
    after commit). Returns True when it completed the course just now.
    """
    if enrollment.completed_on is not None:
        return False
    outline = course_outlines(courses=[enrollment.course])[enrollment.course_id]
    if not outline.total_steps:
        return False
    done = set(
        LessonProgress.objects.filter(enrollment=enrollment, lesson_id__in=outline.lesson_ids).values_list(
            "lesson_id", flat=True
        )
    )
    passed = set(
        Attempt.objects.filter(user_id=enrollment.user_id, quiz_id__in=outline.quiz_ids, passed=True)
        .values_list("quiz_id", flat=True)
        .distinct()
    )
    if not (outline.lesson_ids <= done and outline.quiz_ids <= passed):
        return False
    enrollment.completed_on = timezone.localdate()
    enrollment.save(update_fields=["completed_on"])
    person = person_for_user(user=enrollment.user)
    completions_sync_course(course_id=enrollment.course_id, person_ids=[person.pk])
    return True


def enrollment_touch(*, enrollment: Enrollment, lesson: LessonPage) -> None:
    """Remember the lesson the learner opened, as where she left off: one
    UPDATE without locking, none when it is already the one remembered."""
    if enrollment.last_lesson_id == lesson.pk:
        return
    Enrollment.objects.filter(pk=enrollment.pk).update(last_lesson=lesson, last_activity_at=timezone.now())
    enrollment.last_lesson_id = lesson.pk
