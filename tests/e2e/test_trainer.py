"""A trainer writes a course (with a lesson and a quiz) in the CMS and
submits it; a content reviewer approves it; the public catalogue lists it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.prepare import PASSWORD, REVIEWER

COURSE = "Livestream bán nông sản cho tổ hợp tác"
LESSON = "Bài 1. Chuẩn bị một buổi livestream"
QUIZ = "Bài kiểm tra: Livestream bán nông sản"

pytestmark = pytest.mark.e2e


def _admin_log_in(page, server: str, username: str) -> None:
    page.goto(f"{server}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    expect(page).to_have_url(f"{server}/admin/")


def _add_block(page, label: str) -> None:
    """Open the StreamField's block menu (the only empty stream on the
    form) and pick ``label``."""
    page.locator("button.c-sf-add-button").last.click()
    page.get_by_role("option", name=label).click()


def _background_saves(page) -> list[str]:
    """The background (autosave) requests the editor sends. The project
    turns autosave off: on a new page, a submit sent while an autosave is
    under way would create the page twice (a slug clash or a server error)."""
    sent: list[str] = []

    def record(request):
        if request.method == "POST" and request.headers.get("accept") == "application/json":
            if "/admin/pages/" in request.url:
                sent.append(request.url)

    page.on("request", record)
    return sent


def _submit_for_review(page) -> None:
    """The footer's "submit for moderation" action, from its dropdown."""
    footer = page.locator("footer")
    footer.locator(".w-dropdown__toggle").click()
    footer.locator("button[name='action-submit']").click()


def test_trainer_course_goes_through_review_to_the_catalogue(page, server, shots):
    background_saves = _background_saves(page)
    _admin_log_in(page, server, "giangvien")
    shots(page, "trainer-dashboard")

    # The course, under the catalogue (the trainer's corner of the tree).
    page.goto(f"{server}/admin/pages/")
    page.locator("a[href$='/add_subpage/']").first.click()
    page.fill("#id_title", COURSE)
    page.fill("#id_summary", "Cách chuẩn bị và dẫn một buổi livestream ngắn để bán xoài, nhãn và hàng OCOP.")
    page.get_by_label("Thương mại điện tử").check()
    page.select_option("#id_audience", "members")
    page.fill("#id_estimated_hours", "1.5")
    shots(page, "new-course-form")
    page.locator("footer button.action-save").click()
    expect(page.locator(".messages")).to_contain_text(COURSE)
    course_edit_url = page.url
    course_admin_url = course_edit_url.replace("/edit/", "/")

    # A lesson.
    page.goto(course_admin_url)
    page.locator("a[href$='/add_subpage/']").first.click()
    page.get_by_role("link", name="Bài học", exact=True).click()
    page.fill("#id_title", LESSON)
    _add_block(page, "Đoạn văn")
    editor = page.locator(".Draftail-Editor [contenteditable=true]").first
    editor.click()
    editor.type("Chọn giờ có nhiều khách xem, chuẩn bị sản phẩm, ánh sáng và bảng giá rõ ràng.")
    # The editor saves its content into the form a moment after typing stops.
    expect(page.locator("input[name='body-0-value']")).to_have_value(re.compile("bảng giá rõ ràng"))
    shots(page, "new-lesson-form")
    _submit_for_review(page)
    expect(page.locator(".messages")).to_contain_text(LESSON)

    # A quiz with one single-choice question.
    page.goto(course_admin_url)
    page.locator("a[href$='/add_subpage/']").first.click()
    page.get_by_role("link", name="Bài kiểm tra", exact=True).click()
    page.fill("#id_title", QUIZ)
    _add_block(page, "Câu hỏi một lựa chọn")
    page.fill("#questions-0-value-prompt", "Trước buổi livestream cần chuẩn bị gì?")
    page.locator("[data-contentpath='choices'] button[data-streamfield-list-add]").last.click()
    page.fill(
        "#questions-0-value-choices-0-value-text", "Sản phẩm, ánh sáng, bảng giá và người trả lời bình luận"
    )
    page.check("#questions-0-value-choices-0-value-correct")
    page.fill("#questions-0-value-choices-1-value-text", "Không cần chuẩn bị gì")
    shots(page, "new-quiz-form")
    _submit_for_review(page)
    expect(page.locator(".messages")).to_contain_text(QUIZ)

    # The course itself.
    page.goto(course_edit_url)
    _submit_for_review(page)
    expect(page.locator(".messages")).to_contain_text(COURSE)
    shots(page, "submitted")
    assert background_saves == []  # every page was created by the trainer's own submit

    # Nothing is public yet.
    assert page.request.get(f"{server}/khoa-hoc/").ok
    assert COURSE not in page.request.get(f"{server}/khoa-hoc/").text()

    # The reviewer approves the three pages from her dashboard.
    page.context.clear_cookies()
    _admin_log_in(page, server, REVIEWER)
    awaiting = page.locator("main")
    for title in (COURSE, LESSON, QUIZ):
        expect(awaiting.get_by_role("link", name=title).first).to_be_visible()
    shots(page, "reviewer-dashboard")
    for title in (COURSE, LESSON, QUIZ):
        page.goto(f"{server}/admin/")
        page.locator("main").get_by_role("link", name=title).first.click()
        footer = page.locator("footer")
        footer.locator(".w-dropdown__toggle").click()
        footer.locator(
            "button[data-workflow-action-name='approve']:not([data-workflow-action-modal-url])"
        ).click()
        expect(page.locator(".messages")).to_contain_text(title)

    # The course is in the public catalogue, with its lesson and quiz.
    page.context.clear_cookies()
    page.goto(f"{server}/khoa-hoc/")
    card = page.locator(".course-card", has_text=COURSE)
    expect(card).to_be_visible()
    shots(page, "public-catalogue")
    card.get_by_role("link", name=COURSE).click()
    syllabus = page.locator("ol.syllabus")
    expect(syllabus.get_by_role("link", name=LESSON)).to_be_visible()
    expect(syllabus.get_by_role("link", name=QUIZ)).to_be_visible()
    shots(page, "public-course")
