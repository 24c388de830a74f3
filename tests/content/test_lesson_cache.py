"""The rendered lesson body is cached per published revision and language,
and with a shared cache the whole lesson page but for the learner's parts;
the learner's own parts (name, progress, "Đã học xong") never are. Paths
are remembered, but a page moved, renamed or unpublished is found at its
new place at once.

Every test runs twice: with a cache of the process's own (as in
development and tests) and with a cache shared by every process (as in
production, where the site, routes and lesson frames are trusted from the
cache and sessions are read from it)."""

import pickle
from unittest import mock

import pytest
from django.core.cache import cache, caches
from django.test import RequestFactory
from django.urls import reverse
from wagtail.models import PageViewRestriction, Site

from content.models import LessonPage
from content.routing import TREE_VERSION_KEY
from courses.services import enrollment_enrol, lesson_mark_done
from tests.factories.content import make_course
from tests.factories.courses import learner
from tests.factories.registry import UserFactory, make_tree, official

pytestmark = pytest.mark.django_db

DONE = "Bạn đã học xong bài này."
DONE_BADGE = '<span class="badge badge-ok">Đã học xong</span>'
MARK_DONE = 'action="/learning/lessons/{pk}/done/"'


@pytest.fixture(autouse=True, params=["own-cache", "shared-cache"])
def cache_kind(request, settings):
    if request.param == "shared-cache":
        settings.CACHE_IS_SHARED = True
        settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    cache.clear()
    yield request.param
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


WARM_LESSON_QUERIES = {
    # The site, the home page, the lesson (its path is remembered, and
    # checked), the view restrictions, the session, the account, the
    # lesson's course, catalogue and siblings, then the learner's enrolment,
    # lessons done and quizzes passed together.
    "own-cache": 8,
    # The learner's enrolment, lessons done and quizzes passed: the rest,
    # the account included, is remembered.
    "shared-cache": 1,
}


@pytest.mark.parametrize("lessons", [2, 12])
def test_a_warm_lesson_page_runs_few_queries(client, django_assert_num_queries, cache_kind, lessons):
    course = make_course(lessons=lessons)
    user = learner("lan")
    enrollment_enrol(user=user, course=course)
    for done in LessonPage.objects.child_of(course).order_by("path")[: lessons // 2]:
        lesson_mark_done(user=user, lesson=done)
    lesson = LessonPage.objects.child_of(course).order_by("path").last()
    client.force_login(user)
    client.get(lesson.url)  # remembers the path, the body and the lesson last opened
    with django_assert_num_queries(WARM_LESSON_QUERIES[cache_kind]):
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


def test_the_cached_frame_holds_nothing_of_the_learner_who_filled_it(client, cache_kind):
    course = make_course(lessons=2)
    lesson = first_lesson(course)
    lan = learner("lan", first_name="Nguyễn Thị Lan")
    mai = learner("mai", first_name="Trần Thị Mai")
    hoa = learner("hoa", first_name="Lê Thị Hoa")  # not enrolled
    for user in (lan, mai):
        enrollment_enrol(user=user, course=course)
    lesson_mark_done(user=lan, lesson=lesson)

    client.force_login(lan)
    first = client.get(lesson.url).content.decode()
    assert "Nguyễn Thị Lan" in first and DONE_BADGE in first and DONE in first
    client.logout()
    remembered = [str(pickle.loads(value)) for value in list(cache._cache.values())]  # noqa: S301, SLF001
    assert any("lesson-body" in value for value in remembered) == (cache_kind == "shared-cache")
    for value in remembered:
        assert "Nguyễn Thị Lan" not in value and "csrfmiddlewaretoken" not in value
        assert DONE_BADGE not in value and "Tiến độ" not in value

    client.force_login(mai)
    page = client.get(lesson.url).content.decode()
    assert "Trần Thị Mai" in page and "Nguyễn Thị Lan" not in page
    assert DONE_BADGE not in page and MARK_DONE.format(pk=lesson.pk) in page
    client.force_login(hoa)
    page = client.get(lesson.url).content.decode()
    assert "Lê Thị Hoa" in page and DONE_BADGE not in page and MARK_DONE.format(pk=lesson.pk) not in page
    assert f'action="/learning/courses/{course.pk}/enrol/"' in page
    client.logout()
    page = client.get(lesson.url).content.decode()
    assert "Đăng nhập và đăng ký khóa học để lưu tiến độ học." in page
    assert DONE_BADGE not in page and 'class="who"' not in page
    assert all(text in page for text in ("Bài 1/2", "lesson-body", 'rel="next"'))


def test_a_sibling_published_or_unpublished_changes_the_pager_at_once(client):
    course = make_course(lessons=2)
    lesson, second = LessonPage.objects.child_of(course).order_by("path")
    page = client.get(lesson.url).content.decode()
    assert "Bài 1/2" in page and second.title in page

    second.unpublish()
    page = client.get(lesson.url).content.decode()
    assert "Bài 1/1" in page and second.title not in page and "Làm bài kiểm tra" in page

    draft = LessonPage.objects.get(pk=second.pk).get_latest_revision_as_object()
    draft.title = "Bài hai, viết lại"
    draft.save_revision().publish()
    page = client.get(lesson.url).content.decode()
    assert "Bài 1/2" in page and "Bài hai, viết lại" in page


def test_a_new_view_restriction_applies_at_once(client):
    course = make_course(lessons=1)
    lesson = first_lesson(course)
    assert client.get(lesson.url).status_code == 200

    restriction = PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(lesson.url)
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(learner("lan"))
    assert client.get(lesson.url).status_code == 200

    client.logout()
    restriction.delete()
    assert client.get(lesson.url).status_code == 200


def test_a_changed_site_is_seen_at_once():
    request = RequestFactory().get("/")
    site = Site.find_for_request(request)
    site.site_name = "Nâng Tầm thử"
    site.save()
    assert Site.find_for_request(RequestFactory().get("/")).site_name == "Nâng Tầm thử"


def test_a_change_is_forgotten_again_once_committed(django_capture_on_commit_callbacks):
    course = make_course(lessons=1)
    lesson = first_lesson(course)
    before = cache.get(TREE_VERSION_KEY)
    with django_capture_on_commit_callbacks(execute=True):
        publish_body(lesson, "Bài đã sửa.")
        during = cache.get(TREE_VERSION_KEY)
    assert before != during != cache.get(TREE_VERSION_KEY)


@pytest.fixture
def lan_reading(client) -> LessonPage:
    """Lan, enrolled in a course of two lessons and signed in: its first lesson."""
    course = make_course(lessons=2)
    lan = learner("lan", first_name="Nguyễn Thị Lan")
    enrollment_enrol(user=lan, course=course)
    client.force_login(lan)
    return first_lesson(course)


def test_a_message_shows_on_a_page_filled_from_its_frame(client, lan_reading):
    lesson = lan_reading
    client.get(lesson.url)
    response = client.post(reverse("courses:lesson-done", args=[lesson.pk]), follow=True)
    page = response.content.decode()
    assert response.redirect_chain and '<ul class="messages" role="status">' in page
    assert '<ul class="messages"' not in client.get(lesson.url).content.decode()


def test_each_menu_has_a_frame_of_its_own(client, cache_kind):
    lesson = first_lesson(make_course(lessons=2))
    _, _, commune, _ = make_tree()
    menus = [
        (official(commune, "can-bo"), ['href="/coverage/', 'href="/admin/"']),
        (UserFactory(username="giang-vien", role="trainer"), ['href="/admin/"']),
        (learner("lan"), []),
        (None, []),
    ]
    for _ in range(2):
        for user, links in menus:
            client.logout()
            if user is not None:
                client.force_login(user)
            page = client.get(lesson.url).content.decode()
            for link in ('href="/coverage/', 'href="/admin/"'):
                assert (link in page) == (link in links), (user, link)
            assert ('href="/learning/' in page) == (user is not None)


def test_a_warm_lesson_page_reads_the_cache_for_the_page_once(client, cache_kind, lan_reading):
    lesson = lan_reading
    client.get(lesson.url)
    client.get(lesson.url)  # the site last found is known: its route and frame are asked for with it
    backend = caches["default"]
    with mock.patch.object(backend, "get_many", wraps=backend.get_many) as get_many:
        page = client.get(lesson.url).content.decode()
    assert "Nguyễn Thị Lan" in page and "lesson-body" in page
    # Shared: the site, the route and the frame in one read; own cache: the
    # route (then checked in the database).
    assert get_many.call_count == 1
    read = get_many.call_args.args[0]
    assert len(read) == (4 if cache_kind == "shared-cache" else 2)


def test_a_site_given_another_root_page_is_followed_at_once(client):
    course = make_course(lessons=1)
    lesson = first_lesson(course)
    old_url = lesson.url
    for _ in range(2):  # the second view reads the site, route and frame together
        assert client.get(old_url).status_code == 200
    site = Site.objects.get(is_default_site=True)
    site.root_page = course.get_parent()  # the catalogue
    site.save()
    assert client.get(old_url).status_code == 404
    new_url = f"/{course.slug}/{lesson.slug}/"
    assert old_url != new_url and client.get(new_url).status_code == 200
