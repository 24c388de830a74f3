"""Learner pages: the dashboard, enrol / unenrol, lesson done, quiz attempts.

Every write is a POST that calls one service and redirects (so a refresh
never repeats it); a rule broken (not enrolled, no attempts left...) comes
back as a Vietnamese message on the page the learner came from.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from content.models import QuizPage
from courses.models import Attempt
from courses.selectors import (
    attempt_for_learner,
    attempt_is_overdue,
    attempt_results,
    course_of,
    dashboard_rows,
    learner_progress,
    live_course,
    live_lesson,
    live_quiz,
    public_questions,
    quiz_status,
    review_level,
)
from courses.services import (
    attempt_start,
    attempt_submit,
    attempts_expire_overdue,
    enrollment_enrol,
    enrollment_withdraw,
    lesson_mark_done,
)


def _error(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@require_GET
@login_required
def dashboard(request):
    """ "Khóa học của tôi": active enrolments with progress and where to continue."""
    return render(request, "courses/dashboard.html", {"rows": dashboard_rows(user=request.user)})


@require_POST
@login_required
def enrol(request, course_id: int):
    course = live_course(course_id=course_id)
    try:
        _enrollment, changed = enrollment_enrol(user=request.user, course=course)
    except ValidationError as exc:
        _error(request, exc)
    else:
        if changed:
            messages.success(request, _("Bạn đã đăng ký học khóa học này."))
    return redirect(course.url)


@require_POST
@login_required
def unenrol(request, course_id: int):
    course = live_course(course_id=course_id)
    progress = learner_progress(user=request.user, courses=[course])[course.pk]
    if progress.is_active:
        enrollment_withdraw(enrollment=progress.enrollment)
        messages.success(
            request, _("Bạn đã hủy đăng ký. Tiến độ học được giữ lại nếu bạn đăng ký lại sau này.")
        )
    return redirect(course.url)


@require_POST
@login_required
def lesson_done(request, lesson_id: int):
    lesson = live_lesson(lesson_id=lesson_id)
    try:
        enrollment, _new = lesson_mark_done(user=request.user, lesson=lesson)
    except ValidationError as exc:
        _error(request, exc)
        return redirect(lesson.url)
    course = enrollment.course
    progress = learner_progress(user=request.user, courses=[course], enrollments=[enrollment])[course.pk]
    if progress.is_complete:
        messages.success(request, _("Chúc mừng! Bạn đã hoàn thành khóa học."))
        return redirect(course.url)
    messages.success(request, _("Đã ghi nhận: bạn đã học xong bài này."))
    step = progress.next_step
    return redirect(step.page.url if step is not None else course.url)


@require_POST
@login_required
def quiz_start(request, quiz_id: int):
    quiz = live_quiz(quiz_id=quiz_id)
    try:
        attempt, _created = attempt_start(user=request.user, quiz=quiz)
    except ValidationError as exc:
        _error(request, exc)
        return redirect(quiz.url)
    return redirect("courses:attempt", attempt_id=attempt.pk)


@require_GET
@login_required
def attempt_detail(request, attempt_id: int):
    """An open attempt: the questions (never their answers) and a form.
    A closed one: the result, as much as the quiz's review option allows."""
    attempt = attempt_for_learner(user=request.user, attempt_id=attempt_id)
    quiz = QuizPage.objects.get(pk=attempt.quiz_id)
    if attempt_is_overdue(attempt):
        attempts_expire_overdue(user=request.user, quiz=quiz)
        attempt.refresh_from_db()
    course = course_of(quiz)
    if attempt.is_open:
        return render(
            request,
            "courses/attempt_form.html",
            {"attempt": attempt, "quiz": quiz, "course": course, "questions": public_questions(attempt)},
        )
    status = quiz_status(user=request.user, quiz=quiz, enrolled=True)
    progress = learner_progress(user=request.user, courses=[course])[course.pk]
    status.enrolled = progress.is_active
    level = review_level(attempt=attempt, quiz=quiz, has_passed=status.has_passed)
    return render(
        request,
        "courses/attempt_result.html",
        {
            "attempt": attempt,
            "quiz": quiz,
            "course": course,
            "status": status,
            "progress": progress,
            "level": level,
            "results": attempt_results(attempt=attempt) if level == "full" else [],
        },
    )


@require_POST
@login_required
def attempt_submit_view(request, attempt_id: int):
    attempt = attempt_for_learner(user=request.user, attempt_id=attempt_id)
    was_open = attempt.is_open
    answers = {q["id"]: request.POST.getlist(f"q-{q['id']}") for q in attempt.questions}
    try:
        attempt = attempt_submit(attempt=attempt, answers=answers)
    except ValidationError as exc:
        _error(request, exc)
    else:
        if not was_open:
            messages.info(
                request, _("Bài này đã được nộp trước đó; kết quả dưới đây là của lần nộp đầu tiên.")
            )
        elif attempt.status == Attempt.Status.EXPIRED:
            messages.error(
                request, _("Bài nộp sau khi đã hết giờ nên không được chấm; lượt này tính 0 điểm.")
            )
    return redirect("courses:attempt", attempt_id=attempt.pk)
