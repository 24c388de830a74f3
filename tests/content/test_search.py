"""Searching the catalogue ignores Vietnamese diacritics and case."""

import pytest

from content.models import LessonPage
from content.selectors import catalogue_search, search_words
from tests.factories.content import make_course

pytestmark = pytest.mark.django_db


def test_search_words_are_folded():
    assert search_words("  Kế  TOÁN  ") == ["ke", "toan"]
    assert search_words("Đại hội") == ["dai", "hoi"]


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("ke toan", "Kế toán cho hợp tác xã"),
        ("KẾ TOÁN", "Kế toán cho hợp tác xã"),
        ("thuong mai dien tu", "Thương mại điện tử cho sản phẩm OCOP"),
    ],
)
def test_courses_are_found_without_diacritics(client, query, title):
    make_course("Kế toán cho hợp tác xã", topics=("accounting",), lessons=0)
    make_course("Thương mại điện tử cho sản phẩm OCOP", topics=("ecommerce",), lessons=0)
    make_course("Kỹ năng vận động hội viên", topics=("advocacy",), lessons=0)
    response = client.get("/khoa-hoc/", {"q": query})
    page = response.content.decode()
    assert title in page
    assert "Kỹ năng vận động hội viên" not in page


def test_every_word_must_match():
    make_course("Kế toán cho hợp tác xã", lessons=0)
    assert [c.title for c in catalogue_search(q="ke toan").courses] == ["Kế toán cho hợp tác xã"]
    assert catalogue_search(q="ke toan dien tu").courses == []


def test_a_lesson_hit_shows_its_course(client):
    course = make_course("Quản trị hợp tác xã", lessons=2)
    lesson = LessonPage.objects.child_of(course).get(slug="bai-2")
    lesson.title = "Bài 2. Đại hội thành viên"
    lesson.save_revision().publish()
    page = client.get("/khoa-hoc/", {"q": "dai hoi"}).content.decode()
    hits = page[page.index('id="lesson-hits"') :]
    assert "Bài 2. Đại hội thành viên" in hits and lesson.url in hits
    assert "Quản trị hợp tác xã" in hits and course.url in hits


def test_lesson_body_text_is_searched():
    course = make_course("Quản trị hợp tác xã", lessons=1)
    lesson = LessonPage.objects.child_of(course).get()
    lesson.body = [{"type": "paragraph", "value": "<p>Ban kiểm soát giám sát Hội đồng quản trị.</p>"}]
    lesson.save_revision().publish()
    result = catalogue_search(q="ban kiem soat")
    assert [hit.lesson.pk for hit in result.lesson_hits] == [lesson.pk]
    assert result.lesson_hits[0].course.pk == course.pk


def test_search_within_a_topic():
    make_course("Kế toán cho hợp tác xã", topics=("accounting",), lessons=1)
    make_course("Kế toán cho cán bộ Hội", topics=("advocacy",), lessons=1)
    titles = [c.title for c in catalogue_search(q="ke toan", topic="advocacy").courses]
    assert titles == ["Kế toán cho cán bộ Hội"]


def test_unpublished_lessons_are_not_found():
    course = make_course("Quản trị hợp tác xã", lessons=1)
    lesson = LessonPage.objects.child_of(course).get()
    lesson.title = "Bài nháp về kiểm soát viên"
    lesson.save_revision().publish()
    lesson.unpublish()
    assert catalogue_search(q="kiem soat vien").lesson_hits == []


def test_a_long_or_odd_query_is_harmless(client):
    make_course()
    response = client.get("/khoa-hoc/", {"q": "%_' OR 1=1 --" * 20})
    assert response.status_code == 200
    assert "Không có khóa học nào phù hợp" in response.content.decode()


def test_catalogue_query_count_does_not_grow_with_courses(
    client, django_assert_num_queries, no_learning_hooks
):
    make_course("Kế toán một", lessons=1)
    client.get("/khoa-hoc/", {"q": "ke toan"})  # warm the site cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get("/khoa-hoc/", {"q": "ke toan"})
    for n in range(2, 5):
        make_course(f"Kế toán {n}", topics=("accounting", "governance"), lessons=1)
    with django_assert_num_queries(len(small)):
        response = client.get("/khoa-hoc/", {"q": "ke toan"})
    assert response.content.decode().count('class="card course-card"') == 4


def test_lessons_holding_the_whole_phrase_come_first():
    course = make_course("Quản trị hợp tác xã", lessons=2)
    first, second = LessonPage.objects.child_of(course).order_by("path")
    first.title = "Bài 1. Hội viên và đại diện"  # both words, apart
    first.save_revision().publish()
    second.title = "Bài 2. Đại hội thành viên"  # the phrase
    second.save_revision().publish()
    hits = catalogue_search(q="dai hoi").lesson_hits
    assert [hit.lesson.pk for hit in hits] == [second.pk, first.pk]
