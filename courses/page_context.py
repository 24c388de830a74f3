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

A lesson page is the page learners ask for most: its part costs one query
(the enrolment, the lessons done and the quizzes passed together), because
the course and its outline come from the lesson's own navigation, which the
page reads anyway. On PostgreSQL the same statement remembers the lesson as
where the learner left off (``enrollment_touch`` elsewhere: a second one).
"""

from __future__ import annotations

from django.db import connections, router
from django.utils import timezone
from wagtail.models import Page

from content.models import CoursePage, LessonPage, QuizPage
from courses.models import Attempt, Enrollment, LessonProgress
from courses.selectors import Outline, Progress, Step, course_of, learner_progress, quiz_status
from courses.services.progress import enrollment_touch

PANELS = {
    CoursePage: "courses/panels/course.html",
    LessonPage: "courses/panels/lesson.html",
    QuizPage: "courses/panels/quiz.html",
}


def _lesson_outline(lesson: LessonPage) -> tuple[Page | None, Outline | None]:
    """The lesson's course and the course's outline, from its navigation."""
    nav = lesson.navigation
    if nav.course is None:
        return None, None
    outline = Outline(
        course_id=nav.course.pk,
        lessons=[Step(p.pk, p.title, "lesson", p) for p in nav.lessons],
        quizzes=[Step(p.pk, p.title, "quiz", p) for p in nav.quizzes],
    )
    return nav.course, outline


# The enrolment, the lessons done and the quizzes passed of one learner in
# one course, as rows of (kind, id, status, last lesson, completed on).
# Written by hand: on the page learners ask for most, building this query
# with the ORM took longer than the database takes to answer it.
_PROGRESS_SQL = """
SELECT 'enrollment', e.id, e.status, e.last_lesson_id, e.completed_on
  FROM {enrollment} e WHERE e.user_id = %s AND e.course_id = %s
UNION ALL
SELECT 'lesson', p.lesson_id, NULL, NULL, NULL
  FROM {progress} p INNER JOIN {enrollment} e ON e.id = p.enrollment_id
 WHERE e.user_id = %s AND e.course_id = %s
"""
_PASSED_SQL = """
UNION ALL
SELECT 'quiz', a.quiz_id, NULL, NULL, NULL
  FROM {attempt} a WHERE a.user_id = %s AND a.passed = %s AND a.quiz_id IN ({quizzes})
"""
# PostgreSQL: the lesson opened becomes where the learner left off, in the
# statement that reads her progress (which sees the rows as they were before).
_TOUCH_SQL = """
WITH touched AS (
  UPDATE {enrollment} SET last_lesson_id = %s, last_activity_at = %s
   WHERE user_id = %s AND course_id = %s AND status = %s AND last_lesson_id IS DISTINCT FROM %s
  RETURNING id
)
"""
ENROLLMENT_FIELDS = ("id", "user_id", "course_id", "status", "last_lesson_id", "completed_on")


def _progress(*, user, outline: Outline, opened: LessonPage | None = None) -> Progress:
    """``learner_progress`` for one course whose outline is known, in one
    query. The enrolment comes with the fields a lesson page uses (the
    others load on first use). With ``opened``, the lesson is also recorded
    as where she left off, if she is enrolled (``enrollment_touch``): on
    PostgreSQL by the same statement."""
    tables = {
        "enrollment": Enrollment._meta.db_table,
        "progress": LessonProgress._meta.db_table,
        "attempt": Attempt._meta.db_table,
    }
    sql = _PROGRESS_SQL.format(**tables)
    params: list = [user.pk, outline.course_id, user.pk, outline.course_id]
    quiz_ids = sorted(outline.quiz_ids)
    if quiz_ids:
        sql += _PASSED_SQL.format(quizzes=", ".join(["%s"] * len(quiz_ids)), **tables)
        params += [user.pk, True, *quiz_ids]
    enrollment = None
    done: set[int] = set()
    passed: set[int] = set()
    db = router.db_for_write(Enrollment) if opened is not None else router.db_for_read(Enrollment)
    touched = opened is not None and connections[db].vendor == "postgresql"
    if touched:
        sql = _TOUCH_SQL.format(**tables) + sql
        params = [
            opened.pk, timezone.now(), user.pk, outline.course_id, Enrollment.Status.ACTIVE, opened.pk, *params
        ]
    with connections[db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for kind, pk, status, last_lesson_id, completed_on in rows:
        if kind == "lesson":
            done.add(pk)
        elif kind == "quiz":
            passed.add(pk)
        else:
            completed_on = Enrollment._meta.get_field("completed_on").to_python(completed_on)
            values = (pk, user.pk, outline.course_id, status, last_lesson_id, completed_on)
            enrollment = Enrollment.from_db(db, ENROLLMENT_FIELDS, values)
    if enrollment is None:
        passed = set()  # as learner_progress: no enrolment, no progress
    elif opened is not None and enrollment.status == Enrollment.Status.ACTIVE:
        if touched:
            enrollment.last_lesson_id = opened.pk
        else:
            enrollment_touch(enrollment=enrollment, lesson=opened)
    return Progress(enrollment=enrollment, outline=outline, done_lesson_ids=done, passed_quiz_ids=passed)


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
    if kind is LessonPage:
        course, outline = _lesson_outline(page)
        if course is None:
            return context
        opened = None if getattr(request, "is_preview", False) else page
        progress = _progress(user=user, outline=outline, opened=opened)
    else:
        course = page if kind is CoursePage else course_of(page)
        progress = learner_progress(user=user, courses=[course])[course.pk]
    context["course"] = course
    context["progress"] = progress
    context["done_lesson_ids"] = progress.done_lesson_ids
    context["is_enrolled"] = progress.is_active
    context["continue_step"] = progress.next_step if progress.is_active else None
    if kind is LessonPage:
        context["lesson_done"] = page.pk in progress.done_lesson_ids
    elif kind is QuizPage:
        context["quiz_status"] = quiz_status(user=user, quiz=page, enrolled=progress.is_active)
    return context
