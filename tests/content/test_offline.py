"""Offline reading: the service worker at the site root and the offline page."""

import json
import re

import pytest

from content.models import LessonPage
from tests.factories.content import make_course

pytestmark = pytest.mark.django_db


def test_service_worker_is_served_from_the_root_for_the_whole_site(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    script = response.content.decode()
    config = json.loads(re.search(r"var CONFIG = (\{.*\});", script).group(1))
    assert config["offline_url"] == "/offline/"
    assert {"/static/css/site.css", "/static/content/content.css", "/static/content/content.js"} <= set(
        config["assets"]
    )
    assert config["page_prefixes"] == ["/khoa-hoc/"]
    assert "caches.match(OFFLINE_URL)" in script  # a never-visited page offline


def test_service_worker_version_follows_the_assets(client, settings):
    first = client.get("/sw.js").content.decode()
    settings.STATIC_URL = "/static-v2/"
    second = client.get("/sw.js").content.decode()
    version = re.search(r'"version": "(\w+)"', first).group(1)
    assert version not in second


def test_service_worker_only_answers_get(client):
    assert client.post("/sw.js").status_code == 405


def test_offline_page_explains_in_vietnamese(client):
    response = client.get("/offline/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Không có kết nối mạng" in page
    assert "chưa mở trang đó lần nào khi có mạng" in page


def test_course_and_lesson_pages_register_the_worker(client):
    course = make_course(lessons=1)
    lesson = LessonPage.objects.child_of(course).get()
    for url in (course.url, lesson.url):
        page = client.get(url).content.decode()
        assert 'src="/static/content/content.js" data-sw="/sw.js" defer' in page
