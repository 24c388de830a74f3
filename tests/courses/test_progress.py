import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from courses.models import Completion, Enrollment, LessonProgress
from courses.selectors import learner_progress
from courses.services import (
    attempt_start,
    attempt_submit,
    enrollment_enrol,
    enrollment_withdraw,
    lesson_mark_done,
)
from courses.signals import course_completed
from tests.factories.courses import finish_course, learner, lessons_of, quiz_of, right_answers, wrong_answers
from tests.factories.courses import quick_course as make_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed_signals():
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    course_completed.connect(receiver, dispatch_uid="test-progress")
    yield received
    course_completed.disconnect(dispatch_uid="test-progress")


def test_mark_done_is_idempotent(course):
    user = learner()
    enrollment_enrol(user=user, course=course)
    lesson = lessons_of(course)[0]
    _, new = lesson_mark_done(user=user, lesson=lesson)
    _, again = lesson_mark_done(user=user, lesson=lesson)
    assert new and not again
    assert LessonProgress.objects.count() == 1


def test_mark_done_needs_enrolment(course):
    with pytest.raises(ValidationError) as exc:
        lesson_mark_done(user=learner(), lesson=lessons_of(course)[0])
    assert exc.value.code == "not_enrolled"


def test_lessons_alone_do_not_complete_a_course_with_a_quiz(course):
    user = learner()
    enrollment_enrol(user=user, course=course)
    for lesson in lessons_of(course):
        lesson_mark_done(user=user, lesson=lesson)
    assert Enrollment.objects.get(user=user).completed_on is None
    assert not Completion.objects.exists()


def test_failed_quiz_does_not_complete(course):
    user = learner()
    enrollment_enrol(user=user, course=course)
    for lesson in lessons_of(course):
        lesson_mark_done(user=user, lesson=lesson)
    attempt, _ = attempt_start(user=user, quiz=quiz_of(course))
    attempt_submit(attempt=attempt, answers=wrong_answers(attempt))
    assert not Completion.objects.exists()


def test_all_lessons_and_passed_quiz_complete_the_course(
    django_capture_on_commit_callbacks, course, completed_signals
):
    user = learner()
    with django_capture_on_commit_callbacks(execute=True):
        finish_course(user, course)
    enrollment = Enrollment.objects.get(user=user)
    assert enrollment.completed_on == timezone.localdate()
    completion = Completion.objects.get()
    assert (completion.person, completion.course_id, completion.session) == (user.person, course.pk, None)
    assert completion.source == Completion.Source.ONLINE
    assert completion.completed_on == enrollment.completed_on
    assert len(completed_signals) == 1
    sent = completed_signals[0]
    assert sent["person"] == user.person and sent["course"].pk == course.pk and sent["session"] is None
    assert sent["completed_on"] == enrollment.completed_on


def test_course_published_through_revisions_completes_too():
    from tests.factories.content import make_course as make_published_course

    published = make_published_course("Khóa xuất bản qua phiên bản", lessons=1)
    user = learner()
    finish_course(user, published)
    assert Completion.objects.filter(person=user.person, course=published).exists()


def test_quiz_passed_before_the_last_lesson_completes_on_that_lesson(course):
    user = learner()
    enrollment_enrol(user=user, course=course)
    attempt, _ = attempt_start(user=user, quiz=quiz_of(course))
    attempt_submit(attempt=attempt, answers=right_answers(attempt))
    first, second = lessons_of(course)
    lesson_mark_done(user=user, lesson=first)
    assert not Completion.objects.exists()
    lesson_mark_done(user=user, lesson=second)
    assert Completion.objects.filter(person=user.person, course=course).exists()


def test_course_without_quiz_completes_with_its_lessons(course):
    plain = make_course("Khóa không có bài kiểm tra", lessons=2, quiz=False)
    user = learner()
    enrollment_enrol(user=user, course=plain)
    for lesson in lessons_of(plain):
        lesson_mark_done(user=user, lesson=lesson)
    assert Enrollment.objects.get(user=user).completed_on is not None


def test_unpublished_lessons_are_not_required(course):
    user = learner()
    first, second = lessons_of(course)
    second.unpublish()
    enrollment_enrol(user=user, course=course)
    lesson_mark_done(user=user, lesson=first)
    attempt, _ = attempt_start(user=user, quiz=quiz_of(course))
    attempt_submit(attempt=attempt, answers=right_answers(attempt))
    assert Completion.objects.filter(course=course).count() == 1


def test_completion_signal_is_not_sent_when_the_transaction_rolls_back(
    django_capture_on_commit_callbacks, course, completed_signals
):
    from django.db import transaction

    user = learner()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                finish_course(user, course)
                raise RuntimeError("boom")
        except RuntimeError:
            pass
    assert callbacks == [] and completed_signals == []
    assert not Completion.objects.exists()


class TestContinue:
    def test_progress_and_continue_point(self, course):
        user = learner()
        enrollment_enrol(user=user, course=course)
        first, second = lessons_of(course)
        progress = learner_progress(user=user, courses=[course])[course.pk]
        assert (progress.done_steps, progress.total_steps, progress.percent) == (0, 3, 0)
        assert progress.next_step.id == first.pk
        lesson_mark_done(user=user, lesson=first)
        progress = learner_progress(user=user, courses=[course])[course.pk]
        assert (progress.done_steps, progress.percent) == (1, 33)
        assert progress.next_step.id == second.pk
        lesson_mark_done(user=user, lesson=second)
        progress = learner_progress(user=user, courses=[course])[course.pk]
        assert progress.next_step.id == quiz_of(course).pk

    def test_opened_lesson_is_where_she_left_off(self, client, course):
        user = learner()
        enrollment_enrol(user=user, course=course)
        first, second = lessons_of(course)
        client.force_login(user)
        client.get(second.url)
        progress = learner_progress(user=user, courses=[course])[course.pk]
        assert progress.next_step.id == second.pk
        lesson_mark_done(user=user, lesson=second)
        progress = learner_progress(user=user, courses=[course])[course.pk]
        assert progress.next_step.id == first.pk  # wraps to the lesson not yet done

    def test_complete_course_is_100_percent_and_has_no_next_step(self, course):
        user = learner()
        finish_course(user, course)
        progress = learner_progress(user=user, courses=[course])[course.pk]
        assert progress.percent == 100 and progress.next_step is None and progress.is_complete


class TestPages:
    def test_lesson_done_button_marks_and_moves_on(self, client, course):
        user = learner()
        enrollment_enrol(user=user, course=course)
        first, second = lessons_of(course)
        client.force_login(user)
        page = client.get(first.url).content.decode()
        assert f'action="/learning/lessons/{first.pk}/done/"' in page
        response = client.post(f"/learning/lessons/{first.pk}/done/")
        assert response.status_code == 302 and response["Location"] == second.url
        assert LessonProgress.objects.filter(lesson=first).exists()
        again = client.get(first.url).content.decode()
        assert f'action="/learning/lessons/{first.pk}/done/"' not in again
        assert "Bạn đã học xong bài này." in again

    def test_lesson_done_without_enrolment_says_why(self, client, course):
        client.force_login(learner())
        lesson = lessons_of(course)[0]
        response = client.post(f"/learning/lessons/{lesson.pk}/done/", follow=True)
        assert "Bạn cần đăng ký học khóa học này trước." in response.content.decode()
        assert not LessonProgress.objects.exists()

    def test_course_page_shows_progress_and_continue_link(self, client, course):
        user = learner()
        enrollment_enrol(user=user, course=course)
        first, second = lessons_of(course)
        lesson_mark_done(user=user, lesson=first)
        client.force_login(user)
        page = client.get(course.url).content.decode()
        assert 'aria-valuenow="33"' in page
        assert f'href="{second.url}">Học tiếp: {second.title}' in page

    def test_dashboard_lists_active_enrolments_with_progress(self, client, course):
        user = learner()
        other = make_course("Kế toán HTX", topics=("accounting",))
        dropped = make_course("Thương mại điện tử", topics=("ecommerce",))
        enrollment_enrol(user=user, course=course)
        enrollment_enrol(user=user, course=other)
        enrollment, _ = enrollment_enrol(user=user, course=dropped)
        from courses.services import enrollment_withdraw

        enrollment_withdraw(enrollment=enrollment)
        lesson_mark_done(user=user, lesson=lessons_of(other)[0])
        client.force_login(user)
        page = client.get("/learning/").content.decode()
        assert course.title in page and other.title in page and dropped.title not in page
        assert page.index(other.title) < page.index(course.title)  # most recently active first
        assert "Tiến độ: 33% (1/3 phần)" in page

    def test_empty_dashboard_points_to_the_catalogue(self, client):
        client.force_login(learner())
        page = client.get("/learning/").content.decode()
        assert "Bạn chưa đăng ký khóa học nào." in page

    @pytest.mark.parametrize("n", [1, 4])
    def test_dashboard_query_count_does_not_grow(self, client, django_assert_num_queries, n):
        user = learner()
        for i in range(n):
            c = make_course(f"Khóa {i}", lessons=2)
            enrollment_enrol(user=user, course=c)
            lesson_mark_done(user=user, lesson=lessons_of(c)[0])
        client.force_login(user)
        client.get("/learning/")  # warm the site-root cache
        # session, user, enrolments, outlines, progress, passed quizzes, site root paths
        with django_assert_num_queries(QUERIES_DASHBOARD):
            assert client.get("/learning/").status_code == 200


QUERIES_DASHBOARD = 7


@pytest.mark.parametrize("cache_kind", ["own-cache", "shared-cache"])
def test_opening_a_lesson_remembers_it_as_where_she_left_off(client, settings, course, cache_kind):
    if cache_kind == "shared-cache":
        settings.CACHE_IS_SHARED = True
    from django.core.cache import cache

    cache.clear()
    lan, mai = learner(), learner()
    enrollment = enrollment_enrol(user=lan, course=course)[0]
    other = enrollment_enrol(user=mai, course=course)[0]
    first, second = lessons_of(course)[:2]
    client.force_login(lan)
    assert client.get(second.url).status_code == 200
    enrollment.refresh_from_db()
    assert enrollment.last_lesson_id == second.pk and enrollment.last_activity_at is not None
    opened_at = enrollment.last_activity_at
    client.get(second.url)  # the same lesson again: nothing to write
    enrollment.refresh_from_db()
    assert enrollment.last_activity_at == opened_at
    client.get(first.url)
    enrollment.refresh_from_db()
    assert enrollment.last_lesson_id == first.pk and enrollment.last_activity_at > opened_at
    other.refresh_from_db()
    assert other.last_lesson_id is None  # another learner's enrolment is left alone

    enrollment_withdraw(enrollment=enrollment)
    client.get(second.url)
    enrollment.refresh_from_db()
    assert enrollment.last_lesson_id == first.pk  # a withdrawn enrolment is not touched
