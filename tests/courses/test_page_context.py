import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from content.models import CoursePage, LessonPage, QuizPage
from courses.page_context import learning_context
from courses.services import enrollment_enrol, lesson_mark_done
from tests.factories.courses import learner, lessons_of, quiz_of
from tests.factories.courses import quick_course as make_course

pytestmark = pytest.mark.django_db


def request_for(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_hook_is_registered_for_content_pages(course):
    from wagtail import hooks

    fns = hooks.get_hooks("nangtam_learning_context")
    answers = [fn(request=request_for(AnonymousUser()), page=course) for fn in fns]
    assert any(a and a.get("panel_template") == "courses/panels/course.html" for a in answers)


def test_anonymous_context_has_panels_and_no_progress(course):
    request = request_for(AnonymousUser())
    for page, panel in (
        (course, "course"),
        (lessons_of(course)[0], "lesson"),
        (quiz_of(course), "quiz"),
    ):
        context = learning_context(request=request, page=page)
        assert context["panel_template"] == f"courses/panels/{panel}.html"
        assert context["done_lesson_ids"] == set() and context["progress"] is None


def test_enrolled_context_knows_done_lessons_and_next_step(course):
    user = learner()
    enrollment_enrol(user=user, course=course)
    first, second = lessons_of(course)
    lesson_mark_done(user=user, lesson=first)
    request = request_for(user)
    course_ctx = learning_context(request=request, page=CoursePage.objects.get(pk=course.pk))
    assert course_ctx["done_lesson_ids"] == {first.pk} and course_ctx["is_enrolled"]
    assert course_ctx["continue_step"].id == second.pk
    lesson_ctx = learning_context(request=request, page=LessonPage.objects.get(pk=first.pk))
    assert lesson_ctx["lesson_done"] is True
    quiz_ctx = learning_context(request=request, page=QuizPage.objects.get(pk=quiz_of(course).pk))
    assert quiz_ctx["quiz_status"].can_start and quiz_ctx["quiz_status"].attempts_left == 3


def test_other_pages_get_nothing():
    from content.models import CourseIndexPage

    assert learning_context(request=request_for(AnonymousUser()), page=CourseIndexPage.objects.first()) == {}


def test_anonymous_course_page_offers_login(client, course):
    page = client.get(course.url).content.decode()
    assert "Đăng nhập để đăng ký học" in page


@pytest.mark.parametrize("lessons", [2, 6])
def test_hook_runs_a_constant_number_of_queries(django_assert_num_queries, lessons):
    course = make_course(lessons=lessons)
    user = learner()
    enrollment_enrol(user=user, course=course)
    for lesson in lessons_of(course)[:-1]:
        lesson_mark_done(user=user, lesson=lesson)
    page = LessonPage.objects.get(pk=lessons_of(course)[-1].pk)
    learning_context(request=request_for(user), page=page)  # remembers the lesson once
    # the enrolment, lessons done and quizzes passed together (the course
    # and its outline come from the lesson's navigation, read once)
    with django_assert_num_queries(1):
        context = learning_context(request=request_for(user), page=page)
    assert len(context["done_lesson_ids"]) == lessons - 1
