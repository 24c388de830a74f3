"""Reads of the courses app.

The public ones other apps may call:

- ``person_completions(person=, start=, end=)``: what one person has
  completed, online and in person, on which topics, when.
- ``people_completed_topics(topics=, start=, end=)``: the ids of people with a
  completion carrying any of ``topics`` dated in [start, end], as a queryset
  to use in ``pk__in=`` (one SQL query, whatever the population).
- ``completion_topic_rows(...)``: one row per (completion, topic), for reports.
- ``course_outlines(courses=)`` / ``learner_progress(user=, courses=)``: the
  live lessons and quizzes of courses, and how far an account has gone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Length, Substr
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from content.models import CoursePage, LessonPage, QuizPage
from courses.models import Attempt, Completion, Enrollment, LessonProgress, TrainingSession
from lms.registry.models import Affiliation, CadrePosition, Cooperative, OrgUnit, Person, User

STEP_LEN = Page.steplen
# A submission this late after the deadline is still graded: it covers the
# time the request takes on a slow phone network.
GRACE = timedelta(seconds=30)


# ---------------------------------------------------------------------------
# Course outlines and progress


@dataclass(frozen=True)
class Step:
    """A lesson or quiz of a course, in syllabus order."""

    id: int
    title: str
    kind: str  # "lesson" or "quiz"
    page: Page


@dataclass
class Outline:
    course_id: int
    lessons: list[Step] = field(default_factory=list)
    quizzes: list[Step] = field(default_factory=list)

    @property
    def lesson_ids(self) -> set[int]:
        return {s.id for s in self.lessons}

    @property
    def quiz_ids(self) -> set[int]:
        return {s.id for s in self.quizzes}

    @property
    def total_steps(self) -> int:
        return len(self.lessons) + len(self.quizzes)


@dataclass
class Progress:
    """How far an account has gone in one course."""

    enrollment: Enrollment | None
    outline: Outline
    done_lesson_ids: set[int]
    passed_quiz_ids: set[int]

    @property
    def is_active(self) -> bool:
        return self.enrollment is not None and self.enrollment.status == Enrollment.Status.ACTIVE

    @property
    def is_complete(self) -> bool:
        return self.enrollment is not None and self.enrollment.completed_on is not None

    @property
    def done_steps(self) -> int:
        return len(self.done_lesson_ids & self.outline.lesson_ids) + len(
            self.passed_quiz_ids & self.outline.quiz_ids
        )

    @property
    def total_steps(self) -> int:
        return self.outline.total_steps

    @property
    def percent(self) -> int:
        if self.is_complete:
            return 100
        if not self.total_steps:
            return 0
        return int(100 * self.done_steps / self.total_steps)

    @property
    def next_step(self) -> Step | None:
        """Where to continue: the lesson last opened if not yet done, else the
        next lesson not done after it (then from the start), then the first
        quiz not passed; None when everything is done."""
        lessons = self.outline.lessons
        last = self.enrollment.last_lesson_id if self.enrollment else None
        start = next((i for i, s in enumerate(lessons) if s.id == last), 0)
        for step in lessons[start:] + lessons[:start]:
            if step.id not in self.done_lesson_ids:
                return step
        for step in self.outline.quizzes:
            if step.id not in self.passed_quiz_ids:
                return step
        return None


def _content_types() -> tuple[int, int]:
    get = ContentType.objects.get_for_model
    return get(LessonPage).pk, get(QuizPage).pk


def course_outlines(*, courses: Iterable[Page]) -> dict[int, Outline]:
    """The live lessons and quizzes of each course, in tree order: one query
    for any number of courses (children are found by their parent's path)."""
    by_path = {c.path: c.pk for c in courses}
    outlines = {pk: Outline(course_id=pk) for pk in by_path.values()}
    if not by_path:
        return outlines
    lesson_ct, quiz_ct = _content_types()
    children = (
        Page.objects.live()
        .filter(content_type_id__in=(lesson_ct, quiz_ct))
        .annotate(parent_path=Substr("path", 1, Length("path") - STEP_LEN))
        .filter(parent_path__in=list(by_path))
        .order_by("path")
    )
    for child in children:
        outline = outlines[by_path[child.parent_path]]
        if child.content_type_id == lesson_ct:
            outline.lessons.append(Step(child.pk, child.title, "lesson", child))
        else:
            outline.quizzes.append(Step(child.pk, child.title, "quiz", child))
    return outlines


def learner_progress(
    *, user: User, courses: Iterable[Page], enrollments: Iterable[Enrollment] | None = None
) -> dict[int, Progress]:
    """Progress of ``user`` in each course (enrolled or not), in four queries
    at most whatever the number of courses. ``enrollments`` may be passed
    when the caller already has them."""
    courses = list(courses)
    outlines = course_outlines(courses=courses)
    if enrollments is None:
        enrollments = (
            Enrollment.objects.filter(user=user, course_id__in=list(outlines))
            if user.is_authenticated
            else []
        )
    by_course = {e.course_id: e for e in enrollments}
    done: dict[int, set[int]] = {}
    if by_course:
        rows = LessonProgress.objects.filter(enrollment__in=[e.pk for e in by_course.values()])
        for enrollment_id, lesson_id in rows.values_list("enrollment_id", "lesson_id"):
            done.setdefault(enrollment_id, set()).add(lesson_id)
    quiz_ids = {q for o in outlines.values() for q in o.quiz_ids}
    passed = set()
    if quiz_ids and by_course and user.is_authenticated:
        passed = set(
            Attempt.objects.filter(user=user, quiz_id__in=quiz_ids, passed=True)
            .order_by()
            .values_list("quiz_id", flat=True)
        )
    result = {}
    for course_id, outline in outlines.items():
        enrollment = by_course.get(course_id)
        result[course_id] = Progress(
            enrollment=enrollment,
            outline=outline,
            done_lesson_ids=done.get(enrollment.pk, set()) if enrollment else set(),
            passed_quiz_ids=passed & outline.quiz_ids if enrollment else set(),
        )
    return result


@dataclass
class DashboardRow:
    course: CoursePage
    progress: Progress


def dashboard_rows(*, user: User) -> list[DashboardRow]:
    """The learner's active enrolments ("Khóa học của tôi"), most recently
    active first, each with its progress. Five queries whatever the count."""
    enrollments = list(
        Enrollment.objects.filter(user=user, status=Enrollment.Status.ACTIVE)
        .select_related("course")
        .order_by(F("last_activity_at").desc(nulls_last=True), "-enrolled_at")
    )
    progress = learner_progress(user=user, courses=[e.course for e in enrollments], enrollments=enrollments)
    return [DashboardRow(course=e.course, progress=progress[e.course_id]) for e in enrollments]


def enrollments_with_progress(*, user: User, queryset: QuerySet[Enrollment] | None = None) -> list[Progress]:
    """All the learner's enrolments (active or withdrawn) with progress."""
    enrollments = list(
        (queryset if queryset is not None else Enrollment.objects.filter(user=user)).select_related("course")
    )
    progress = learner_progress(user=user, courses=[e.course for e in enrollments], enrollments=enrollments)
    return [progress[e.course_id] for e in enrollments]


# ---------------------------------------------------------------------------
# Fetch-and-authorise for learners


# The largest id a database column can hold. A page's id is a link to its
# Page row, and Django passes an out-of-range value of a link to the database
# (an error, not "no row"), unlike a plain integer column.
MAX_ID = 2**63 - 1


def _live_page(queryset, pk: int):
    if not 0 < pk <= MAX_ID:
        raise Http404
    return get_object_or_404(queryset, pk=pk)


def live_course(*, course_id: int) -> CoursePage:
    """A published course, or 404."""
    return _live_page(CoursePage.objects.live(), course_id)


def live_lesson(*, lesson_id: int) -> LessonPage:
    return _live_page(LessonPage.objects.live(), lesson_id)


def live_quiz(*, quiz_id: int) -> QuizPage:
    return _live_page(QuizPage.objects.live(), quiz_id)


def course_of(page: Page) -> CoursePage:
    """The course a lesson or quiz belongs to (its parent page)."""
    return CoursePage.objects.get(path=page.path[:-STEP_LEN])


def enrollment_for_learner(*, user: User, enrollment_id: int) -> Enrollment:
    """The learner's own enrolment; another's is 404 (never 403: it does not
    say that it exists)."""
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(Enrollment.objects.select_related("course"), pk=enrollment_id, user=user)


def attempt_for_learner(*, user: User, attempt_id: int) -> Attempt:
    """The learner's own attempt, or 404, whoever asks (admins included:
    the learner pages and API show one's own results only)."""
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(Attempt.objects.select_related("quiz"), pk=attempt_id, user=user)


# ---------------------------------------------------------------------------
# Quizzes


def attempt_is_overdue(attempt: Attempt, *, now=None) -> bool:
    """An open attempt past its deadline and the grace period."""
    now = now or timezone.now()
    return attempt.is_open and attempt.deadline is not None and now > attempt.deadline + GRACE


@dataclass
class QuizStatus:
    quiz: QuizPage
    attempts: list[Attempt]
    enrolled: bool

    @property
    def open_attempt(self) -> Attempt | None:
        return next((a for a in self.attempts if a.is_open and not attempt_is_overdue(a)), None)

    @property
    def used(self) -> int:
        return len(self.attempts)

    @property
    def attempts_left(self) -> int | None:
        """None when the quiz has no limit."""
        if not self.quiz.max_attempts:
            return None
        return max(0, self.quiz.max_attempts - self.used)

    @property
    def has_passed(self) -> bool:
        return any(a.passed for a in self.attempts)

    @property
    def best_score(self):
        scores = [a.score for a in self.attempts if a.score is not None]
        return max(scores) if scores else None

    @property
    def can_start(self) -> bool:
        if not self.enrolled or self.open_attempt is not None:
            return False
        left = self.attempts_left
        return left is None or left > 0


def quiz_status(*, user: User, quiz: QuizPage, enrolled: bool) -> QuizStatus:
    attempts = []
    if user.is_authenticated:
        attempts = list(
            Attempt.objects.filter(user=user, quiz=quiz).defer("questions", "answers").order_by("number")
        )
    return QuizStatus(quiz=quiz, attempts=attempts, enrolled=enrolled)


def review_level(*, attempt: Attempt, quiz: QuizPage, has_passed: bool) -> str:
    """What the learner sees of a closed attempt, as the quiz's ``review``
    option says: ``"full"`` (per question right/wrong and explanation) or
    ``"score"`` (score and pass/fail only). An open attempt shows nothing; an
    expired one was not graded, so it shows its score only."""
    if attempt.status != Attempt.Status.SUBMITTED:
        return "none" if attempt.is_open else "score"
    if quiz.review == QuizPage.Review.FULL:
        return "full"
    if quiz.review == QuizPage.Review.AFTER_PASS and has_passed:
        return "full"
    return "score"


@dataclass
class QuestionResult:
    id: str
    type: str
    prompt: str
    choices: list[dict]
    chosen: list[str]
    correct: bool
    explanation: str

    @property
    def chosen_labels(self) -> list[str]:
        return [c["text"] for c in self.choices if c["chosen"]]


def _choice_text(question: dict, choice: dict) -> str:
    if question["type"] == "true_false":
        return str(_("Đúng") if choice["id"] == "true" else _("Sai"))
    return choice["text"]


def public_questions(attempt: Attempt) -> list[dict]:
    """The questions of an attempt as the learner may see them before
    submitting: id, type, prompt and options (id, text), in the order of the
    snapshot; never ``correct`` nor ``explanation``."""
    return [
        {
            "id": q["id"],
            "type": q["type"],
            "prompt": q["prompt"],
            "choices": [{"id": c["id"], "text": _choice_text(q, c)} for c in q["choices"]],
        }
        for q in attempt.questions
    ]


def attempt_results(*, attempt: Attempt) -> list[QuestionResult]:
    """Per question: what was chosen and whether it was right (server-side
    only; callers decide, through ``review_level``, what to show)."""
    from courses.services.quiz import question_is_correct

    out = []
    for q in attempt.questions:
        chosen = list(attempt.answers.get(q["id"], []))
        out.append(
            QuestionResult(
                id=q["id"],
                type=q["type"],
                prompt=q["prompt"],
                choices=[
                    {"id": c["id"], "text": _choice_text(q, c), "chosen": c["id"] in chosen}
                    for c in q["choices"]
                ],
                chosen=chosen,
                correct=question_is_correct(q, chosen),
                explanation=q.get("explanation", ""),
            )
        )
    return out


# ---------------------------------------------------------------------------
# Completions: the one answer to "what has this person completed, on which
# topics, when", for online and in-person training alike.


@dataclass(frozen=True)
class CompletionRow:
    id: int
    person_id: int
    kind: str  # "course" or "session"
    course_id: int | None
    session_id: int | None
    title: str
    topics: tuple[str, ...]  # topic slugs (CONTRACT §3)
    completed_on: date
    source: str  # "online" or "in_person"


def _in_period(qs: QuerySet, start: date | None, end: date | None, field_name: str = "completed_on"):
    if start is not None:
        qs = qs.filter(**{f"{field_name}__gte": start})
    if end is not None:
        qs = qs.filter(**{f"{field_name}__lte": end})
    return qs


def person_completions(
    *, person: Person | int, start: date | None = None, end: date | None = None
) -> list[CompletionRow]:
    """Everything ``person`` has completed with a date in [start, end] (both
    optional, inclusive), oldest first: online courses (dated the day the
    course was completed) and in-person sessions she attended (dated the
    session's end_date); a session that teaches a course also gives a course
    row. Each row carries the topic slugs of its course or session.
    Three queries."""
    qs = _in_period(Completion.objects.filter(person=person), start, end)
    qs = qs.select_related("course", "session").prefetch_related("course__topics", "session__topics")
    rows = []
    for c in qs.order_by("completed_on", "pk"):
        target = c.course if c.course_id else c.session
        rows.append(
            CompletionRow(
                id=c.pk,
                person_id=c.person_id,
                kind="course" if c.course_id else "session",
                course_id=c.course_id,
                session_id=c.session_id,
                title=target.title,
                topics=tuple(sorted(t.slug for t in target.topics.all())),
                completed_on=c.completed_on,
                source=c.source,
            )
        )
    return rows


def people_completed_topics(
    *, topics: Iterable[str], start: date | None = None, end: date | None = None
) -> QuerySet:
    """Ids of the people who completed training carrying any of ``topics``
    (slugs) with a date in [start, end]: a queryset of person ids for
    ``Person.objects.filter(pk__in=...)``; one subquery, no rows loaded."""
    topics = list(topics)
    qs = Completion.objects.filter(
        Q(course__in=CoursePage.objects.filter(topics__slug__in=topics).values("pk"))
        | Q(session__in=TrainingSession.objects.filter(topics__slug__in=topics).values("pk"))
    )
    return _in_period(qs, start, end).values_list("person_id", flat=True).distinct()


def completion_topic_rows(
    *,
    start: date | None = None,
    end: date | None = None,
    topics: Iterable[str] | None = None,
    person_ids: Iterable[int] | QuerySet | None = None,
) -> QuerySet:
    """One row per (completion, topic): ``{"person_id", "completion_id",
    "topic", "completed_on", "source", "course_id", "session_id"}`` (a
    UNION of course topics and session topics, evaluated as one query)."""

    def part(through: str, kind_filter: Q) -> QuerySet:
        qs = _in_period(Completion.objects.filter(kind_filter), start, end)
        if topics is not None:
            qs = qs.filter(**{f"{through}__slug__in": list(topics)})
        if person_ids is not None:
            qs = qs.filter(person_id__in=person_ids)
        return qs.values(
            "person_id",
            "completed_on",
            "source",
            "course_id",
            "session_id",
            completion_id=F("pk"),
            topic=F(f"{through}__slug"),
        )

    course_rows = part("course__topics", Q(course__isnull=False)).filter(topic__isnull=False)
    session_rows = part("session__topics", Q(session__isnull=False)).filter(topic__isnull=False)
    return course_rows.union(session_rows, all=True)


# ---------------------------------------------------------------------------
# Scope for trainers and officials (admin screens, bulk enrolment)


def can_manage_learning(user: User) -> bool:
    """Trainers, officials with a scope and admins manage sessions,
    attendance and bulk enrolment."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_admin_role or user.is_trainer or (user.is_official and user.scope_id))
    )


def learning_scope(user: User) -> OrgUnit | None:
    """None: sees everything (admins and trainers, who work across units);
    an official: her unit."""
    if user.is_official and not user.is_admin_role:
        return user.scope
    return None


def sessions_visible_to(*, user: User) -> QuerySet[TrainingSession]:
    qs = TrainingSession.objects.all()
    scope = learning_scope(user)
    if scope is not None:
        qs = qs.filter(org_unit__path__startswith=scope.path)
    return qs


def units_visible_to(*, user: User) -> QuerySet[OrgUnit]:
    scope = learning_scope(user)
    qs = OrgUnit.objects.all()
    return qs if scope is None else qs.filter(path__startswith=scope.path)


def cooperatives_visible_to(*, user: User) -> QuerySet[Cooperative]:
    scope = learning_scope(user)
    qs = Cooperative.objects.select_related("org_unit")
    return qs if scope is None else qs.filter(org_unit__path__startswith=scope.path)


def _active_on(prefix: str, on: date) -> Q:
    return (Q(**{f"{prefix}start_date__isnull": True}) | Q(**{f"{prefix}start_date__lte": on})) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": on})
    )


def people_in_unit(*, unit: OrgUnit, on: date | None = None) -> Q:
    """A person belongs to ``unit`` (or below) by her home unit, an active
    role in a cooperative there, or an active cadre position there."""
    on = on or timezone.localdate()
    affiliated = Affiliation.objects.filter(
        _active_on("", on), person=OuterRef("pk"), cooperative__org_unit__path__startswith=unit.path
    )
    cadre = CadrePosition.objects.filter(
        _active_on("", on), person=OuterRef("pk"), org_unit__path__startswith=unit.path
    )
    return Q(org_unit__path__startswith=unit.path) | Q(Exists(affiliated)) | Q(Exists(cadre))


def people_visible_to(*, user: User) -> QuerySet[Person]:
    scope = learning_scope(user)
    qs = Person.objects.select_related("org_unit")
    return qs if scope is None else qs.filter(people_in_unit(unit=scope))


def people_matching(
    *,
    user: User,
    unit: OrgUnit | None = None,
    cooperative: Cooperative | None = None,
    roles: Iterable[str] | None = None,
    on: date | None = None,
) -> QuerySet[Person]:
    """People the user may see, narrowed to a cooperative (an active role
    there, of one of ``roles`` if given) or a unit (as ``people_in_unit``;
    with ``roles``: an active role of that kind in a cooperative of the
    unit), or to ``roles`` anywhere in her scope."""
    on = on or timezone.localdate()
    roles = list(roles or [])
    qs = people_visible_to(user=user)
    if cooperative is not None or roles:
        aff = Affiliation.objects.filter(_active_on("", on), person=OuterRef("pk"))
        if cooperative is not None:
            aff = aff.filter(cooperative=cooperative)
        if unit is not None:
            aff = aff.filter(cooperative__org_unit__path__startswith=unit.path)
        if roles:
            aff = aff.filter(role__in=roles)
        scope = learning_scope(user)
        if scope is not None:
            aff = aff.filter(cooperative__org_unit__path__startswith=scope.path)
        return qs.filter(Exists(aff))
    if unit is not None:
        return qs.filter(people_in_unit(unit=unit, on=on))
    return qs


def bulk_enrol_targets(
    *,
    user: User,
    unit: OrgUnit | None = None,
    cooperative: Cooperative | None = None,
    roles: Iterable[str] | None = None,
) -> tuple[QuerySet[User], QuerySet[Person]]:
    """Who a bulk enrolment reaches: the active accounts linked to the
    matching people, and the matching people without an account (who
    cannot be enrolled: nobody would log in for them; their in-person
    training is recorded as attendance instead)."""
    people = people_matching(user=user, unit=unit, cooperative=cooperative, roles=roles)
    accounts = User.objects.filter(is_active=True, person__in=people.values("pk")).select_related("person")
    without = people.filter(account__isnull=True)
    return accounts.order_by("person__full_name", "username"), without
