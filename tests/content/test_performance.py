"""A lesson page stays light and runs a fixed number of queries."""

import gzip
import re

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext

from content.models import LessonPage
from tests.factories.content import lesson_body, make_course
from tests.factories.registry import UserFactory

pytestmark = pytest.mark.django_db

BUDGET_KB = 60
QUERIES = {
    # Anonymous: the site, the home page, the lesson (its path is
    # remembered, and checked), the view restrictions, then the course,
    # catalogue and siblings together. A logged-in learner adds the session
    # and the user.
    ("own-cache", False): 5,
    ("own-cache", True): 7,
    # With a shared cache the site, the route, the restrictions and the
    # lesson's frame are remembered, and the session and the account read
    # from the cache: no query at all.
    ("shared-cache", False): 0,
    ("shared-cache", True): 0,
}


@pytest.fixture
def short_and_long():
    course = make_course(lessons=2)
    short, long = LessonPage.objects.child_of(course).order_by("path")
    short.body = lesson_body(1)
    short.save_revision().publish()
    long.body = lesson_body(30)
    long.save_revision().publish()
    return LessonPage.objects.get(pk=short.pk), LessonPage.objects.get(pk=long.pk)


def page_weight(client, url: str) -> int:
    """Bytes transferred for the page and its CSS and JS, gzip-compressed."""
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
    total = len(response.content)
    html = gzip.decompress(response.content).decode()
    assets = re.findall(r'<link rel="stylesheet" href="/static/([^"]+)"', html)
    assets += re.findall(r'<script src="/static/([^"]+)"', html)
    assert "css/site.css" in assets and "content/content.js" in assets
    for name in assets:
        with open(finders.find(name), "rb") as f:
            total += len(gzip.compress(f.read()))
    return total


def test_a_long_lesson_weighs_less_than_the_budget(client, short_and_long):
    _, long = short_and_long
    assert page_weight(client, long.url) <= BUDGET_KB * 1024


@pytest.mark.parametrize("cache_kind", ["own-cache", "shared-cache"])
@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "learner"])
def test_lesson_page_query_count_is_fixed(
    client, settings, django_assert_num_queries, no_learning_hooks, short_and_long, logged_in, cache_kind
):
    if cache_kind == "shared-cache":
        settings.CACHE_IS_SHARED = True
        settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    if logged_in:
        client.force_login(UserFactory(username="hoc-vien", role="learner"))
    short, long = short_and_long
    for lesson in (short, long):
        client.get(lesson.url)  # the site's root paths, the route and the body are cached on first use
    for lesson in (short, long):
        with django_assert_num_queries(QUERIES[cache_kind, logged_in]):
            assert client.get(lesson.url).status_code == 200


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "learner"])
def test_with_every_registered_hook_short_and_long_lessons_cost_the_same(client, short_and_long, logged_in):
    if logged_in:
        client.force_login(UserFactory(username="hoc-vien", role="learner"))
    short, long = short_and_long
    for lesson in (short, long):
        client.get(lesson.url)
    counts = []
    for lesson in (short, long):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(lesson.url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def _count(client, url: str) -> int:
    client.get(url)  # the page's route is remembered on first use
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# Catalogue: the site, routing (home, catalogue), the view restrictions of
# it and its ancestors, topics, the courses' view restrictions, the courses,
# their topics and their cover renditions.
CATALOGUE_QUERIES = 9
# Course page: the site, routing (home, course), view restrictions, then the
# catalogue, the lessons, the quiz and the topics.
COURSE_QUERIES = 8


def test_catalogue_and_course_pages_run_a_fixed_number_of_queries(client, no_learning_hooks):
    from tests.factories.content import make_image

    def course_with_cover(n: int, **kwargs):
        course = make_course(f"Khóa học {n}", **kwargs)
        course.cover_image = make_image(f"Bìa {n}", width=480, height=270)
        course.save_revision().publish()
        return course

    small = course_with_cover(1, lessons=1)
    plain = make_course("Khóa học không ảnh bìa", lessons=1)
    client.get("/khoa-hoc/")  # renditions are made on the first visit
    assert _count(client, "/khoa-hoc/") == CATALOGUE_QUERIES
    assert _count(client, plain.url) == COURSE_QUERIES

    for n in range(2, 4):
        course_with_cover(n, topics=("accounting", "governance", "advocacy"), lessons=2)
    big = make_course("Khóa học dài", lessons=5)
    client.get("/khoa-hoc/")
    assert _count(client, "/khoa-hoc/") == CATALOGUE_QUERIES
    assert _count(client, big.url) == COURSE_QUERIES
    client.get(small.url)
    assert _count(client, small.url) == COURSE_QUERIES + 1  # the cover image; renditions are cached
