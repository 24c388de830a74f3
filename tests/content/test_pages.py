"""The learner-facing pages: home, catalogue, course, lesson, quiz, blocks,
and the ``nangtam_learning_context`` call sites."""

import copy
import re
from pathlib import Path

import pytest
from wagtail import hooks

from content.models import LEARNING_CONTEXT_HOOK, LessonPage, QuizPage
from tests.factories.content import (
    VIDEO_URL,
    make_course,
    make_document,
    make_embed,
    make_image,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def panel_templates(settings):
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], Path(__file__).parent / "templates"]
    settings.TEMPLATES = templates


def html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def children(course):
    lessons = list(LessonPage.objects.child_of(course).order_by("path"))
    return lessons, QuizPage.objects.child_of(course).get()


def test_home_page_shows_intro_featured_courses_and_catalogue_link(client):
    course = make_course("Quản trị hợp tác xã")
    page = html(client.get("/"))
    assert "Học tập nâng cao năng lực" in page
    assert course.title in page and course.url in page
    assert 'href="/khoa-hoc/"' in page


def test_catalogue_cards_show_title_summary_topics_and_hours(client):
    course = make_course("Kế toán cho tổ hợp tác", topics=("accounting", "governance"))
    course.estimated_hours = 6
    course.save_revision().publish()
    page = html(client.get("/khoa-hoc/"))
    assert "Kế toán cho tổ hợp tác" in page
    assert "Tóm tắt Kế toán cho tổ hợp tác" in page
    assert "Kế toán, tài chính" in page and "Quản trị, điều hành" in page
    assert "6 giờ học" in page


def test_topic_filter_keeps_one_topics_courses(client):
    make_course("Quản trị hợp tác xã", topics=("governance",), lessons=0)
    make_course("Bán hàng trên mạng", topics=("ecommerce",), lessons=0)
    page = html(client.get("/khoa-hoc/?topic=ecommerce"))
    assert "Bán hàng trên mạng" in page
    assert "Quản trị hợp tác xã" not in page
    assert 'href="?topic=ecommerce" aria-current="true"' in page


def test_unknown_topic_is_ignored(client):
    make_course("Quản trị hợp tác xã")
    page = html(client.get("/khoa-hoc/?topic=khong-co"))
    assert "Quản trị hợp tác xã" in page


def test_drafts_are_not_in_the_catalogue(client):
    course = make_course("Khóa học nháp")
    course.unpublish()
    assert "Khóa học nháp" not in html(client.get("/khoa-hoc/"))


def test_course_page_shows_facts_outcomes_and_syllabus_in_order(client):
    course = make_course("Quản trị hợp tác xã", lessons=3)
    course.outcomes = [("outcome", "Tổ chức được Đại hội thành viên.")]
    course.audience = "cadres"
    course.save_revision().publish()
    page = html(client.get(course.url))
    assert "Tổ chức được Đại hội thành viên." in page
    assert "Cán bộ Hội" in page
    assert "Được cấp khi hoàn thành khóa học" in page
    syllabus = page[page.index('class="syllabus"') :]
    positions = [syllabus.index(t) for t in ("Bài 1", "Bài 2", "Bài 3", "Bài kiểm tra cuối khóa")]
    assert positions == sorted(positions)


def test_lesson_links_previous_and_next_and_the_quiz_after_the_last(client):
    course = make_course(lessons=3)
    (first, second, last), quiz = children(course)
    page = html(client.get(first.url))
    assert 'rel="prev"' not in page
    assert f'rel="next" href="{second.url}"' in page
    assert "Bài 1/3" in page
    page = html(client.get(second.url))
    assert f'rel="prev" href="{first.url}"' in page and f'rel="next" href="{last.url}"' in page
    page = html(client.get(last.url))
    assert f'rel="next" href="{quiz.url}"' in page
    assert "Làm bài kiểm tra" in page


def test_lesson_breadcrumb_leads_back_to_course_and_catalogue(client):
    course = make_course()
    lessons, _ = children(course)
    page = html(client.get(lessons[0].url))
    crumbs = page[page.index('class="crumbs"') : page.index("</nav>", page.index('class="crumbs"'))]
    assert 'href="/khoa-hoc/"' in crumbs and f'href="{course.url}"' in crumbs


def test_unpublished_lesson_is_skipped_by_previous_next(client):
    course = make_course(lessons=3)
    (first, second, last), _ = children(course)
    second.unpublish()
    page = html(client.get(first.url))
    assert f'rel="next" href="{last.url}"' in page
    assert "Bài 1/2" in page


def test_quiz_page_states_pass_mark_attempts_and_time_limit(client):
    course = make_course(pass_mark=80, max_attempts=2, time_limit_minutes=15)
    _, quiz = children(course)
    page = html(client.get(quiz.url))
    assert "Bài có 2 câu hỏi." in page
    assert "từ 80%" in page
    assert "tối đa 2 lượt" in page
    assert "Mỗi lượt có 15 phút" in page
    assert "đáp án đúng" not in page  # learners never see the answers


def test_quiz_page_says_when_there_is_no_limit(client):
    course = make_course(max_attempts=0, time_limit_minutes=None)
    _, quiz = children(course)
    page = html(client.get(quiz.url))
    assert "Không giới hạn số lượt làm bài." in page
    assert "Không giới hạn thời gian." in page


def test_lesson_blocks_render_for_phones(client):
    image = make_image("Sổ thu chi mẫu")
    pdf = make_document("Mẫu phiếu thu", filename="phieu-thu.pdf")
    video = make_document("Video kiểm quỹ", filename="kiem-quy.mp4", content=b"\x00\x00\x00\x18ftypmp42")
    make_embed()
    course = make_course(lessons=1)
    (lesson,), _ = children(course)
    lesson.body = [
        {"type": "image", "value": {"image": image.pk, "alt": "Một trang sổ thu chi", "caption": "Sổ mẫu"}},
        {"type": "video", "value": {"video": VIDEO_URL, "caption": "Cách kiểm quỹ"}},
        {"type": "video_file", "value": {"document": video.pk, "caption": "Quay tại HTX"}},
        {"type": "document", "value": {"document": pdf.pk, "title": ""}},
        {"type": "callout", "value": {"kind": "warning", "text": "<p>Không ứng tạm tiền quỹ.</p>"}},
        {
            "type": "example_table",
            "value": {
                "title": "Lãi tháng 3",
                "header": "Khoản | Số tiền",
                "rows": "Thu | 1.000\nChi | 400",
                "note": "",
            },
        },
        {"type": "checklist", "value": {"title": "", "items": ["Có sổ quỹ"]}},
    ]
    lesson.save_revision().publish()
    page = html(client.get(lesson.url))

    img = re.search(r"<img [^>]*>", page).group(0)
    assert 'alt="Một trang sổ thu chi"' in img
    assert 'loading="lazy"' in img and "width=" in img and "height=" in img
    assert re.search(r'srcset="[^"]+\.webp 360w, [^"]+\.webp 720w, [^"]+\.webp 1080w"', img)
    assert "sizes=" in img

    # The third-party player sits in an inert <template> until tapped; a link works without JS.
    outside_templates = re.sub(r"<template>.*?</template>", "", page, flags=re.S)
    assert "<iframe" in page and "<iframe" not in outside_templates
    assert f'href="{VIDEO_URL}"' in page and "Xem video trên YouTube" in page

    assert '<video controls preload="none"' in page
    assert 'type="video/mp4"' in page and video.url in page
    assert f'href="{pdf.url}" download' in page and "Mẫu phiếu thu" in page and "PDF" in page
    assert 'class="callout callout-warning" role="note"' in page and "Lưu ý" in page
    assert '<th scope="col" class="num">Số tiền</th>' in page and '<td class="num">1.000</td>' in page
    assert '<input type="checkbox">' in page and "Có sổ quỹ" in page


def test_figure_images_and_their_renditions_cost_two_queries(django_assert_num_queries):
    images = [make_image(f"Ảnh {n}") for n in range(3)]
    course = make_course(lessons=1)
    (lesson,), _ = children(course)
    lesson.body = [{"type": "image", "value": {"image": i.pk, "alt": "", "caption": ""}} for i in images]
    lesson.save_revision().publish()
    lesson = LessonPage.objects.get(pk=lesson.pk)
    for block in lesson.body:
        block.render()  # creates the renditions once
    lesson = LessonPage.objects.get(pk=lesson.pk)
    with django_assert_num_queries(2):  # the images, then all their renditions
        for block in lesson.body:
            assert "srcset" in block.render()


def test_uploaded_video_must_be_a_video_file():
    from django.core.exceptions import ValidationError

    from content.blocks import VideoFileBlock

    pdf = make_document()
    block = VideoFileBlock()
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"document": pdf.pk, "caption": ""}))


def test_single_choice_question_needs_exactly_one_correct_choice():
    from django.core.exceptions import ValidationError

    from content.blocks import SingleChoiceQuestionBlock

    block = SingleChoiceQuestionBlock()
    value = block.to_python(
        {"prompt": "?", "choices": [{"text": "A", "correct": True}, {"text": "B", "correct": True}]}
    )
    with pytest.raises(ValidationError):
        block.clean(value)


# --- The nangtam_learning_context hook ------------------------------------------


def test_hook_panels_render_on_course_lesson_and_quiz_pages(client, no_learning_hooks, panel_templates):
    course = make_course("Quản trị hợp tác xã", lessons=2)
    (first, second), quiz = children(course)
    calls = []

    def learning(*, request, page):
        calls.append((request.path, type(page).__name__, page.pk))
        return {
            "panel_template": "test_learning_panel.html",
            "done_lesson_ids": {first.pk},
            "note": "ghi-chu",
        }

    with hooks.register_temporarily(LEARNING_CONTEXT_HOOK, learning):
        course_html = html(client.get(course.url))
        lesson_html = html(client.get(first.url))
        quiz_html = html(client.get(quiz.url))

    assert calls == [
        (course.url, "CoursePage", course.pk),
        (first.url, "LessonPage", first.pk),
        (quiz.url, "QuizPage", quiz.pk),
    ]
    start = course_html.index('class="course-head"')
    head = course_html[start : course_html.index("</header>", start)]
    assert "PANEL Quản trị hợp tác xã ghi-chu" in head
    syllabus = course_html[course_html.index('class="syllabus"') :]
    done = re.findall(r'<li class="done">\s*<a href="([^"]+)"', syllabus)
    assert done == [first.url]
    assert syllabus.count("Đã học xong") == 1

    # The mark-as-done panel comes at the end of the lesson body, before the pager.
    assert (
        lesson_html.index('class="lesson-body"')
        < lesson_html.index("PANEL Bài 1")
        < lesson_html.index('class="pager"')
    )
    assert "PANEL Bài kiểm tra cuối khóa" in quiz_html


def test_hook_answers_are_merged_in_order_and_none_is_skipped(rf, no_learning_hooks):
    from django.contrib.auth.models import AnonymousUser

    course = make_course()
    request = rf.get(course.url)
    request.user = AnonymousUser()
    hook_list = [
        (LEARNING_CONTEXT_HOOK, lambda *, request, page: {"a": 1, "b": 1}),
        (LEARNING_CONTEXT_HOOK, lambda *, request, page: None),
        (LEARNING_CONTEXT_HOOK, lambda *, request, page: {"b": 2}),
    ]
    with hooks.register_temporarily(hook_list):
        context = course.get_context(request)
    assert context["learning"] == {"a": 1, "b": 2}


def test_without_hooks_the_course_page_offers_the_first_lesson(client, no_learning_hooks):
    course = make_course(lessons=2)
    (first, _), _ = children(course)
    page = html(client.get(course.url))
    assert f'<a class="btn" href="{first.url}">Bắt đầu học</a>' in page


def test_hooks_are_not_asked_in_preview(rf, no_learning_hooks):
    from django.contrib.auth.models import AnonymousUser

    course = make_course()
    request = rf.get(course.url)
    request.user = AnonymousUser()
    request.is_preview = True

    def broken(*, request, page):
        raise AssertionError("asked in preview")

    with hooks.register_temporarily(LEARNING_CONTEXT_HOOK, broken):
        assert course.get_context(request)["learning"] == {}


def test_a_video_without_a_saved_player_shows_only_its_link(client):
    course = make_course(lessons=1)
    (lesson,), _ = children(course)
    lesson.body = [{"type": "video", "value": {"video": "https://video.example.vn/xem/1", "caption": ""}}]
    lesson.save(update_fields=["body"])  # as a data import would; no oEmbed lookup
    page = html(client.get(lesson.url))
    assert 'href="https://video.example.vn/xem/1"' in page
    assert "<template>" not in page and "<iframe" not in page
