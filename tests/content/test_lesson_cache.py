"""The rendered lesson body is cached per published revision and language;
the learner's own parts (name, progress, "Đã học xong") never are. Paths
are remembered, but a page moved, renamed or unpublished is found at its
new place at once."""

import pytest
from django.core.cache import cache

from content.models import LessonPage
from courses.services import enrollment_enrol, lesson_mark_done
from tests.factories.content import make_course
from tests.factories.courses import learner

pytestmark = pytest.mark.django_db

DONE = "Bạn đã học xong bài này."
MARK_DONE = 'action="/learning/lessons/{pk}/done/"'


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def first_lesson(course) -> LessonPage:
    return LessonPage.objects.child_of(course).order_by("path").first()


def publish_body(lesson: LessonPage, text: str) -> None:
    draft = lesson.get_latest_revision_as_object()
    draft.body = [("paragraph", f"<p>{text}</p>")]
    draft.save_revision().publish()


def test_a_new_published_revision_shows_the_new_body(client):
    lesson = first_lesson(make_course(lessons=2))
    publish_body(lesson, "Ghi sổ quỹ mỗi ngày.")
    assert "Ghi sổ quỹ mỗi ngày." in client.get(lesson.url).content.decode()
    assert cache.get(LessonPage.objects.get(pk=lesson.pk).body_cache_key()) is not None

    publish_body(lesson, "Kiểm quỹ cuối tuần.")
    page = client.get(lesson.url).content.decode()
    assert "Kiểm quỹ cuối tuần." in page and "Ghi sổ quỹ mỗi ngày." not in page


def test_a_saved_draft_does_not_reach_learners(client):
    lesson = first_lesson(make_course(lessons=1))
    publish_body(lesson, "Bản đã xuất bản.")
    client.get(lesson.url)
    draft = lesson.get_latest_revision_as_object()
    draft.body = [("paragraph", "<p>Bản nháp chưa duyệt.</p>")]
    draft.save_revision()
    page = client.get(lesson.url).content.decode()
    assert "Bản đã xuất bản." in page and "Bản nháp chưa duyệt." not in page


def test_the_body_is_cached_per_language(client):
    lesson = first_lesson(make_course(lessons=1))
    client.get(lesson.url)
    vi_key = LessonPage.objects.get(pk=lesson.pk).body_cache_key()
    client.get(lesson.url, HTTP_ACCEPT_LANGUAGE="en")
    from django.utils import translation

    with translation.override("en"):
        en_key = LessonPage.objects.get(pk=lesson.pk).body_cache_key()
    assert vi_key != en_key and cache.get(vi_key) is not None and cache.get(en_key) is not None


@pytest.mark.parametrize("done_first", [True, False], ids=["done-learner-first", "other-learner-first"])
def test_a_learner_never_sees_another_learners_progress(client, done_first):
    course = make_course(lessons=2)
    lesson = first_lesson(course)
    lan = learner("lan", first_name="Nguyễn Thị Lan")
    mai = learner("mai", first_name="Trần Thị Mai")
    for user in (lan, mai):
        enrollment_enrol(user=user, course=course)
    lesson_mark_done(user=lan, lesson=lesson)

    def page_of(user) -> str:
        client.force_login(user)
        html = client.get(lesson.url).content.decode()
        client.logout()
        return html

    order = (lan, mai) if done_first else (mai, lan)
    pages = {user.username: page_of(user) for user in order}
    assert "Nguyễn Thị Lan" in pages["lan"] and DONE in pages["lan"]
    assert MARK_DONE.format(pk=lesson.pk) not in pages["lan"]
    assert "Trần Thị Mai" in pages["mai"] and "Nguyễn Thị Lan" not in pages["mai"]
    assert DONE not in pages["mai"] and MARK_DONE.format(pk=lesson.pk) in pages["mai"]
    assert "Tiến độ: 0%" in pages["mai"] and "Tiến độ: 0%" not in pages["lan"]


# The site, the home page, the lesson (its path is remembered), the view
# restrictions, the session, the account, the lesson's course, catalogue and
# siblings, the enrolment, then the lessons done and quizzes passed.
WARM_LESSON_QUERIES = 9


@pytest.mark.parametrize("lessons", [2, 12])
def test_a_warm_lesson_page_runs_few_queries(client, django_assert_num_queries, lessons):
    course = make_course(lessons=lessons)
    user = learner("lan")
    enrollment_enrol(user=user, course=course)
    for done in LessonPage.objects.child_of(course).order_by("path")[: lessons // 2]:
        lesson_mark_done(user=user, lesson=done)
    lesson = LessonPage.objects.child_of(course).order_by("path").last()
    client.force_login(user)
    client.get(lesson.url)  # remembers the path, the body and the lesson last opened
    with django_assert_num_queries(WARM_LESSON_QUERIES):
        response = client.get(lesson.url)
    assert response.status_code == 200 and f"Bài {lessons}" in response.content.decode()


def test_a_remembered_path_follows_unpublishing_and_renaming(client):
    course = make_course(lessons=2)
    lesson, other = LessonPage.objects.child_of(course).order_by("path")
    old_url = lesson.url
    assert client.get(old_url).status_code == 200

    lesson.unpublish()
    assert client.get(old_url).status_code == 404

    def rename(page: LessonPage, slug: str, title: str) -> None:
        draft = LessonPage.objects.get(pk=page.pk).get_latest_revision_as_object()
        draft.slug, draft.title = slug, title
        draft.save_revision().publish()

    rename(lesson, "bai-moi", "Bài mới")
    assert client.get(old_url).status_code == 404
    assert "Bài mới" in client.get(LessonPage.objects.get(pk=lesson.pk).url).content.decode()
    # Another lesson now lives at the remembered path: it is the one served.
    rename(other, lesson.slug, "Bài thay thế")
    assert "Bài thay thế" in client.get(old_url).content.decode()
