"""Per-learner context for content pages (the ``nangtam_learning_context``
Wagtail hook).

``content`` calls every function registered under that hook as
``fn(request=request, page=page)`` from the course, lesson and quiz pages and
merges the dicts into ``context["learning"]``. This one returns:

- ``panel_template``: the template to include (enrol / progress panel on a
  course page, "Đã học xong" on a lesson, start / resume and past results on
  a quiz);
- ``done_lesson_ids``: ids of the lessons the learner has done (for the
  syllabus);
- ``progress`` (``courses.selectors.Progress`` or None), ``is_enrolled``,
  ``continue_step``; on a lesson ``lesson_done``; on a quiz ``quiz_status``.

It never exposes a quiz's answers: those live only in attempt snapshots.
"""

from __future__ import annotations

from wagtail.models import Page

from content.models import CoursePage, LessonPage, QuizPage
from courses.selectors import course_of, learner_progress, quiz_status
from courses.services.progress import enrollment_touch

PANELS = {
    CoursePage: "courses/panels/course.html",
    LessonPage: "courses/panels/lesson.html",
    QuizPage: "courses/panels/quiz.html",
}


def learning_context(*, request, page: Page) -> dict:
    kind = next((k for k in PANELS if isinstance(page, k)), None)
    if kind is None:
        return {}
    context = {
        "panel_template": PANELS[kind],
        "kind": kind.__name__,
        "done_lesson_ids": set(),
        "progress": None,
        "is_enrolled": False,
        "continue_step": None,
    }
    user = getattr(request, "user", None)
    if page.pk is None or user is None or not user.is_authenticated:
        return context
    course = page if kind is CoursePage else course_of(page)
    context["course"] = course
    progress = learner_progress(user=user, courses=[course])[course.pk]
    context["progress"] = progress
    context["done_lesson_ids"] = progress.done_lesson_ids
    context["is_enrolled"] = progress.is_active
    context["continue_step"] = progress.next_step if progress.is_active else None
    if kind is LessonPage:
        context["lesson_done"] = page.pk in progress.done_lesson_ids
        if progress.is_active and not getattr(request, "is_preview", False):
            enrollment_touch(enrollment=progress.enrollment, lesson=page)
    elif kind is QuizPage:
        context["quiz_status"] = quiz_status(user=user, quiz=page, enrolled=progress.is_active)
    return context
