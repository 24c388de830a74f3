"""Quiz attempts, graded on the server against a snapshot.

Rules (each tested):

- Starting an attempt requires an active enrolment. It snapshots the quiz's
  questions with their correct answers and explanations, in the order shown
  (shuffled when the quiz says so), and its pass mark; grading uses only the
  snapshot, so editing the quiz later changes no result.
- An open attempt is resumed, not duplicated: at most one is open per
  learner and quiz (a partial unique constraint).
- The attempt limit (``max_attempts``, 0 = none) counts every attempt,
  including expired ones. Starts and submissions of one learner in one
  course are serialised by a lock on her enrolment row, and the unique
  (user, quiz, number) constraint stops a second attempt with the same
  number, so two simultaneous requests cannot exceed the limit.
- Time limit: the deadline is start + ``time_limit_minutes``. A submission
  up to ``GRACE`` (30 s) after it is graded normally. A later submission is
  not graded: the attempt is closed as expired with score 0 and not passed
  (the answers sent are stored for the record), and it counts as a used
  attempt. An open attempt found past its deadline + grace is expired the
  same way when the learner next opens it or starts again.
- Submitting a closed attempt again (double click, second tab, replayed
  request) changes nothing and returns the first result.
- Multiple choice: right when all correct options and only those are
  chosen; single choice and true/false: the one correct option alone.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from content.models import QuizPage
from courses.models import Attempt, Enrollment
from courses.selectors import GRACE, attempt_is_overdue, course_of
from courses.services.progress import active_enrollment_locked, enrollment_check_completion
from lms.registry.models import User

__all__ = [
    "GRACE",
    "attempt_start",
    "attempt_submit",
    "attempts_expire_overdue",
    "question_is_correct",
    "quiz_snapshot",
]

TRUE_FALSE_CHOICES = ("true", "false")


def quiz_snapshot(
    quiz: QuizPage, *, shuffle_questions: bool = False, shuffle_choices: bool = False
) -> list[dict]:
    """The quiz's questions as plain data, with stable ids: the StreamField
    block id of each question and the ListBlock item id of each option."""
    questions = []
    for index, child in enumerate(quiz.questions):
        value = child.value
        qid = child.id or f"q{index}"
        if child.block_type == "true_false":
            answer = bool(value.get("answer"))
            choices = [
                {"id": "true", "text": "", "correct": answer},
                {"id": "false", "text": "", "correct": not answer},
            ]
        else:
            choices = [
                {
                    "id": item.original_id or f"{qid}-{i}",
                    "text": str(item.value.get("text", "")),
                    "correct": bool(item.value.get("correct")),
                }
                for i, item in enumerate(value["choices"].bound_blocks)
            ]
            if shuffle_choices:
                secrets.SystemRandom().shuffle(choices)
        questions.append(
            {
                "id": qid,
                "type": child.block_type,
                "prompt": str(value.get("prompt", "")),
                "explanation": str(value.get("explanation") or ""),
                "choices": choices,
            }
        )
    if shuffle_questions:
        secrets.SystemRandom().shuffle(questions)
    return questions


def question_is_correct(question: Mapping, chosen: Iterable[str]) -> bool:
    correct = {c["id"] for c in question["choices"] if c["correct"]}
    chosen = set(chosen)
    return bool(chosen) and chosen == correct


def _clean_answers(questions: list[dict], answers: Mapping) -> dict[str, list[str]]:
    """Keep only known questions and options; a single value counts as a
    one-item list. Anything else in ``answers`` is ignored."""
    if not isinstance(answers, Mapping):
        raise ValidationError(_("Câu trả lời không hợp lệ."), code="bad_answers")
    clean = {}
    for q in questions:
        raw = answers.get(q["id"])
        if raw is None:
            continue
        values = [raw] if isinstance(raw, str) else raw
        if not isinstance(values, list | tuple):
            raise ValidationError(_("Câu trả lời không hợp lệ."), code="bad_answers")
        known = [c["id"] for c in q["choices"]]
        picked = {str(v) for v in values}
        clean[q["id"]] = [cid for cid in known if cid in picked]
    return clean


def attempts_expire_overdue(*, user: User, quiz: QuizPage) -> int:
    """Close the learner's open attempts on ``quiz`` that are past their
    deadline and the grace period: expired, score 0, not passed."""
    now = timezone.now()
    return Attempt.objects.filter(
        user=user,
        quiz=quiz,
        status=Attempt.Status.IN_PROGRESS,
        deadline__isnull=False,
        deadline__lt=now - GRACE,
    ).update(status=Attempt.Status.EXPIRED, submitted_at=now, score=0, correct_count=0, passed=False)


def attempt_start(*, user: User, quiz: QuizPage) -> tuple[Attempt, bool]:
    """Start an attempt, or return the open one. Returns ``(attempt, created)``.

    Requires a live quiz and an active enrolment in its course; refuses when
    the attempt limit is used up. Locks the enrolment row for the duration.
    """
    if not quiz.live:
        raise ValidationError(_("Bài kiểm tra này chưa được xuất bản."), code="not_live")
    course = course_of(quiz)
    with transaction.atomic():
        enrollment = active_enrollment_locked(user=user, course_id=course.pk)
        attempts_expire_overdue(user=user, quiz=quiz)
        open_attempt = Attempt.objects.filter(user=user, quiz=quiz, status=Attempt.Status.IN_PROGRESS).first()
        if open_attempt is not None:
            return open_attempt, False
        used = Attempt.objects.filter(user=user, quiz=quiz).count()
        if quiz.max_attempts and used >= quiz.max_attempts:
            raise ValidationError(
                _("Bạn đã dùng hết %(count)s lượt làm bài của bài kiểm tra này.")
                % {"count": quiz.max_attempts},
                code="no_attempts_left",
            )
        questions = quiz_snapshot(
            quiz, shuffle_questions=quiz.shuffle_questions, shuffle_choices=quiz.shuffle_choices
        )
        if not questions:
            raise ValidationError(_("Bài kiểm tra này chưa có câu hỏi."), code="no_questions")
        now = timezone.now()
        deadline = now + timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
        try:
            with transaction.atomic():
                attempt = Attempt.objects.create(
                    user=user,
                    quiz=quiz,
                    number=used + 1,
                    deadline=deadline,
                    questions=questions,
                    pass_mark=quiz.pass_mark,
                )
        except IntegrityError as exc:
            # Only reachable without the row lock (SQLite serialises writes
            # instead): the constraints refuse a duplicate number or a second
            # open attempt.
            raise ValidationError(
                _("Lượt làm bài đã được bắt đầu, vui lòng tải lại trang."), code="conflict"
            ) from exc
        Enrollment.objects.filter(pk=enrollment.pk).update(last_activity_at=now)
        return attempt, True


def attempt_submit(*, attempt: Attempt, answers: Mapping) -> Attempt:
    """Grade ``attempt`` against its snapshot and close it; idempotent.

    A closed attempt is returned unchanged (the first result stands). Past
    the deadline + grace, the attempt is closed as expired, score 0. A pass
    may complete the course (``enrollment_check_completion``). Locks the
    enrolment row, then the attempt row.
    """
    course = course_of(attempt.quiz)
    with transaction.atomic():
        # Lock the enrolment row only (not the course page it joins).
        enrollment = (
            Enrollment.objects.select_for_update(of=("self",))
            .select_related("course")
            .filter(user_id=attempt.user_id, course_id=course.pk)
            .first()
        )
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if not locked.is_open:
            return locked
        clean = _clean_answers(locked.questions, answers)
        now = timezone.now()
        locked.answers = clean
        locked.submitted_at = now
        if attempt_is_overdue(locked, now=now):
            locked.status = Attempt.Status.EXPIRED
            locked.correct_count = 0
            locked.score = Decimal(0)
            locked.passed = False
        else:
            total = len(locked.questions)
            correct = sum(1 for q in locked.questions if question_is_correct(q, clean.get(q["id"], [])))
            locked.status = Attempt.Status.SUBMITTED
            locked.correct_count = correct
            locked.score = (Decimal(100 * correct) / Decimal(total)).quantize(Decimal("0.1"), ROUND_HALF_UP)
            locked.passed = locked.score >= locked.pass_mark
        locked.save(update_fields=["answers", "submitted_at", "status", "correct_count", "score", "passed"])
        if enrollment is not None:
            Enrollment.objects.filter(pk=enrollment.pk).update(last_activity_at=now)
            if locked.passed:
                enrollment_check_completion(enrollment=enrollment)
        return locked
