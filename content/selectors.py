"""Reads of the content app: the catalogue, a course's syllabus, a lesson's
neighbours. Each runs a fixed number of queries whatever the number of pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Prefetch, Q, Value, When
from wagtail.images import get_image_model
from wagtail.models import Page

from content.models import CoursePage, LessonPage, QuizPage, Topic
from content.text import fold

# Renditions of a course cover on a card (16:9, one and two device pixels
# per CSS pixel on a 360 px phone). Templates use the same specs.
CARD_SPECS = ("fill-360x203|format-webp", "fill-720x405|format-webp")
MAX_QUERY_LENGTH = 100
MAX_QUERY_WORDS = 8
MAX_LESSON_HITS = 20


def search_words(q: str) -> list[str]:
    """The folded words of a search box entry ("Kế  Toán" -> ["ke", "toan"])."""
    return fold((q or "")[:MAX_QUERY_LENGTH]).split()[:MAX_QUERY_WORDS]


def _for_cards(queryset):
    """Courses with what a card shows: topics and cover renditions, prefetched."""
    rendition_model = get_image_model().get_rendition_model()
    return (
        queryset.select_related("cover_image")
        .prefetch_related(
            "topics",
            Prefetch(
                "cover_image__renditions",
                queryset=rendition_model.objects.filter(filter_spec__in=CARD_SPECS),
                to_attr="prefetched_renditions",
            ),
        )
        .defer_streamfields()
        .defer("search_text", "description")
        .order_by("path")
    )


def _matching(queryset, words: list[str]):
    """Pages holding every word; those holding the words as one phrase first."""
    for word in words:
        queryset = queryset.filter(search_text__icontains=word)
    if len(words) > 1:
        queryset = queryset.annotate(
            phrase_rank=Case(When(search_text__icontains=" ".join(words), then=Value(0)), default=Value(1))
        )
    return queryset


def _ranked(queryset, words: list[str]):
    return queryset.order_by("phrase_rank", "path") if len(words) > 1 else queryset.order_by("path")


def featured_courses(*, limit: int = 3) -> list[CoursePage]:
    return list(_for_cards(CoursePage.objects.live().public())[:limit])


def catalogue_topics() -> list[Topic]:
    """Topics that at least one published course carries."""
    return list(Topic.objects.filter(courses__live=True).distinct().order_by("pk"))


@dataclass
class LessonHit:
    lesson: LessonPage
    course: CoursePage


@dataclass
class CatalogueResult:
    courses: list[CoursePage]
    lesson_hits: list[LessonHit] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    more_lessons: bool = False


def catalogue_search(*, q: str = "", topic: str = "") -> CatalogueResult:
    """Published courses, optionally of one topic, and, when ``q`` is given,
    published courses and lessons whose folded text holds every word of ``q``
    (so "ke toan" finds "Kế toán"). A lesson hit carries its course."""
    words = search_words(q)
    courses = CoursePage.objects.live().public()
    if topic:
        courses = courses.filter(topics__slug=topic)
    result = CatalogueResult(courses=list(_ranked(_for_cards(_matching(courses, words)), words)), words=words)
    if not words:
        return result

    lessons = _matching(LessonPage.objects.live().public(), words)
    if topic:
        course_paths = list(
            CoursePage.objects.live().filter(topics__slug=topic).values_list("path", flat=True)
        )
        if not course_paths:
            return result
        within = Q()
        for path in course_paths:
            within |= Q(path__startswith=path)
        lessons = lessons.filter(within)
    lessons = list(_ranked(lessons.defer_streamfields().defer("search_text"), words)[: MAX_LESSON_HITS + 1])
    result.more_lessons = len(lessons) > MAX_LESSON_HITS
    lessons = lessons[:MAX_LESSON_HITS]
    if not lessons:
        return result
    parents = {lesson.path[: -Page.steplen] for lesson in lessons}
    by_path = {
        course.path: course
        for course in CoursePage.objects.live()
        .filter(path__in=parents)
        .defer_streamfields()
        .defer("search_text", "description")
    }
    result.lesson_hits = [
        LessonHit(lesson=lesson, course=by_path[lesson.path[: -Page.steplen]])
        for lesson in lessons
        if lesson.path[: -Page.steplen] in by_path
    ]
    return result


@dataclass
class Syllabus:
    lessons: list[LessonPage]
    quiz: QuizPage | None
    total_minutes: int


def course_syllabus(*, course: CoursePage) -> Syllabus:
    """The published lessons of ``course`` in order, then its quiz."""
    lessons = list(
        LessonPage.objects.live().child_of(course).defer_streamfields().defer("search_text").order_by("path")
    )
    quiz = QuizPage.objects.live().child_of(course).order_by("path").first()
    return Syllabus(
        lessons=lessons, quiz=quiz, total_minutes=sum(lesson.estimated_minutes for lesson in lessons)
    )


@dataclass
class LessonNavigation:
    course: Page | None
    catalogue: Page | None
    previous: Page | None = None
    next: Page | None = None
    next_is_quiz: bool = False
    position: int | None = None
    total: int = 0
    # The course's live lessons and quizzes, in order (generic pages).
    lessons: list[Page] = field(default_factory=list)
    quizzes: list[Page] = field(default_factory=list)


def page_course_and_catalogue(*, page: Page) -> tuple[Page | None, Page | None]:
    """The parent (a course) and grandparent (the catalogue) of a lesson or
    quiz, as generic pages, in one query. Works for unsaved pages in preview,
    whose tree path is set."""
    course_path = page.path[: -Page.steplen]
    catalogue_path = course_path[: -Page.steplen]
    found = {p.path: p for p in Page.objects.filter(path__in=[course_path, catalogue_path])}
    return found.get(course_path), found.get(catalogue_path)


def lesson_navigation(*, lesson: LessonPage) -> LessonNavigation:
    """Where ``lesson`` sits in its course: the previous lesson, the next
    lesson (or the quiz after the last lesson) and its position; with the
    course, the catalogue and the course's live lessons and quizzes. One
    query: the two pages above the lesson and the live pages beside it."""
    course_path = lesson.path[: -Page.steplen]
    catalogue_path = course_path[: -Page.steplen]
    get_type = ContentType.objects.get_for_model
    lesson_type, quiz_type = get_type(LessonPage).pk, get_type(QuizPage).pk
    depth = len(lesson.path) // Page.steplen  # set from the path: a preview may lack it
    rows = Page.objects.filter(
        Q(path__in=[course_path, catalogue_path])
        | Q(
            path__startswith=course_path,
            depth=depth,
            live=True,
            content_type_id__in=(lesson_type, quiz_type),
        )
    ).order_by("path")
    found = {}
    lessons, quizzes = [], []
    for page in rows:
        if page.depth != depth:
            found[page.path] = page
        elif page.content_type_id == lesson_type:
            lessons.append(page)
        else:
            quizzes.append(page)
    course = found.get(course_path)
    nav = LessonNavigation(course=course, catalogue=found.get(catalogue_path))
    if course is None:
        return nav
    nav.lessons, nav.quizzes = lessons, quizzes
    nav.total = len(lessons)
    before = [p for p in lessons if p.path < lesson.path]
    after = [p for p in lessons if p.path > lesson.path]
    nav.previous = before[-1] if before else None
    if lesson.pk and any(p.pk == lesson.pk for p in lessons):
        nav.position = len(before) + 1
    if after:
        nav.next = after[0]
    elif quizzes:
        nav.next, nav.next_is_quiz = quizzes[0], True
    return nav
