"""A lesson page filled from its frame (with a shared cache) is the page
rendered whole (as with a cache of the process's own), for every kind of
visitor and both languages; only the form tokens, new on every request,
differ."""

import re

import pytest
from django.core.cache import cache

from content.models import LessonPage
from courses.services import enrollment_enrol, lesson_mark_done
from tests.factories.content import make_course
from tests.factories.courses import learner
from tests.factories.registry import UserFactory, make_tree, official

pytestmark = pytest.mark.django_db


def whole_and_from_frame(client, settings, url: str, **headers) -> tuple[str, str]:
    """The page rendered whole (as without a shared cache) and filled from
    its remembered frame, with the form tokens (new on every request) left
    out."""
    pages = []
    for shared in (False, True):
        settings.CACHE_IS_SHARED = shared
        client.get(url, **headers)  # remembers the route and the frame
        html = client.get(url, **headers).content.decode()
        pages.append(re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "TOKEN", html))
    return pages[0], pages[1]


@pytest.mark.parametrize("visitor", ["anonymous", "done", "not-done", "not-enrolled", "official", "trainer"])
@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_page_filled_from_its_frame_is_the_page_rendered_whole(client, settings, visitor, language):
    cache.clear()
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    course = make_course(lessons=3)
    lesson = LessonPage.objects.child_of(course).order_by("path")[1]
    province, district, commune, _ = make_tree()
    users = {
        "done": learner("lan", first_name="Nguyễn Thị Lan"),
        "not-done": learner("mai", first_name="Trần Thị Mai"),
        "not-enrolled": learner("hoa", first_name="Lê Thị Hoa"),
        "official": official(commune, "can-bo"),
        "trainer": UserFactory(username="giang-vien", role="trainer", first_name="Giảng viên"),
    }
    enrollment_enrol(user=users["done"], course=course)
    enrollment_enrol(user=users["not-done"], course=course)
    lesson_mark_done(user=users["done"], lesson=lesson)
    if visitor != "anonymous":
        client.force_login(users[visitor])
    whole, filled = whole_and_from_frame(client, settings, lesson.url + "?tu=trang-chu", HTTP_ACCEPT_LANGUAGE=language)
    assert filled == whole
    assert ("Báo cáo" in filled or "Reports" in filled) == (visitor == "official")
    assert 'value="/khoa-hoc/' in filled and "?tu=trang-chu" in filled  # where the language form returns
