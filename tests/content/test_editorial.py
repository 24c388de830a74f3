"""The trainer workflow: trainers write under the catalogue and submit,
reviewers approve, learners stay out of the admin; preview works."""

from io import BytesIO

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, Page, WorkflowPage
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from content.blocks import RICH_FEATURES
from content.editorial import WORKFLOW_NAME, editorial_setup
from content.models import CourseIndexPage, CoursePage, HomePage, LessonPage, QuizPage, Topic
from lms.registry.roles import REVIEWERS
from tests.factories.content import VIDEO_URL, make_course, make_embed
from tests.factories.registry import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    return CourseIndexPage.objects.get()


@pytest.fixture
def trainer():
    return UserFactory(username="giang-vien", role="trainer")


@pytest.fixture
def reviewer():
    user = UserFactory(username="nguoi-duyet", role="trainer")
    user.groups.add(Group.objects.get(name=REVIEWERS))
    return user


def png() -> bytes:
    out = BytesIO()
    PILImage.new("RGB", (800, 450), (11, 107, 79)).save(out, format="PNG")
    return out.getvalue()


def add_page(client, model: str, parent: Page, fields: dict, *, action: str = "action-submit"):
    """POST the admin's add-page form, as the editor's buttons do."""
    url = reverse("wagtailadmin_pages:add", args=("content", model, parent.pk))
    return client.post(url, {**form_data(fields), action: action})


def form_data(fields: dict) -> dict:
    """Form data of a page editor; lists (checkboxes) are posted as they are."""
    lists = {k: v for k, v in fields.items() if isinstance(v, list)}
    return {**nested_form_data({k: v for k, v in fields.items() if k not in lists}), **lists}


def errors(response) -> str:
    """The form's errors, to explain a failed POST."""
    context = getattr(response, "context", None)
    if context and "form" in context:
        form = context["form"]
        return f"{form.errors.as_data()} {[f.errors for f in getattr(form, 'formsets', {}).values()]}"
    return response.content.decode()[:500]


def choices(*items: tuple[str, bool]) -> dict:
    data = {"count": str(len(items))}
    for i, (text, correct) in enumerate(items):
        value = {"text": text}
        if correct:
            value["correct"] = "on"
        data[str(i)] = {"value": value, "deleted": "", "order": str(i)}
    return data


def upload(client, kind: str, title: str, name: str, content: bytes, content_type: str):
    response = client.post(
        reverse(f"{kind}:add"),
        {
            "title": title,
            "file": SimpleUploadedFile(name, content, content_type=content_type),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def approve(client, page: Page):
    page = Page.objects.get(pk=page.pk)
    state = page.current_workflow_task_state
    assert state is not None, f"{page} is not in moderation"
    url = reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "approve", state.pk))
    response = client.post(url)
    assert response.status_code in (200, 302)


def test_setup_creates_the_review_workflow_on_the_catalogue_once(catalogue):
    assert WorkflowPage.objects.get(page=catalogue).workflow.name == WORKFLOW_NAME
    editorial_setup()
    editorial_setup()
    assert WorkflowPage.objects.filter(page=catalogue).count() == 1
    workflow = WorkflowPage.objects.get(page=catalogue).workflow
    assert [t.task.specific.groups.get().name for t in workflow.workflow_tasks.all()] == [REVIEWERS]


def test_trainer_writes_a_course_a_reviewer_approves_it_and_it_is_in_the_catalogue(
    client, catalogue, trainer, reviewer
):
    make_embed(VIDEO_URL)
    client.force_login(trainer)
    upload(client, "wagtailimages", "Sổ quỹ mẫu", "so-quy.png", png(), "image/png")
    upload(client, "wagtaildocs", "Mẫu phiếu thu", "phieu-thu.pdf", b"%PDF-1.4\n", "application/pdf")
    upload(client, "wagtaildocs", "Video kiểm quỹ", "kiem-quy.mp4", b"\x00\x00\x00\x18ftypmp42", "video/mp4")
    image = get_image_model().objects.get(title="Sổ quỹ mẫu")
    pdf = get_document_model().objects.get(title="Mẫu phiếu thu")
    video = get_document_model().objects.get(title="Video kiểm quỹ")

    response = add_page(
        client,
        "coursepage",
        catalogue,
        {
            "title": "Sổ sách cho tổ hợp tác",
            "slug": "so-sach-tht",
            "summary": "Ghi sổ thu chi đúng và đủ.",
            "description": rich_text("<p>Khóa học ngắn về sổ sách.</p>"),
            "topics": [Topic.objects.get(slug="accounting").pk],
            "audience": "managers",
            "estimated_hours": "2",
            "earns_certificate": "on",
            "outcomes": streamfield([("outcome", "Ghi được sổ quỹ.")]),
        },
    )
    assert response.status_code == 302, errors(response)
    course = CoursePage.objects.get(slug="so-sach-tht")
    assert not course.live and course.current_workflow_task_state is not None

    for n in (1, 2):
        response = add_page(
            client,
            "lessonpage",
            course,
            {
                "title": f"Bài {n}. Sổ quỹ",
                "slug": f"bai-{n}",
                "estimated_minutes": "15",
                "body": streamfield(
                    [
                        ("heading", "Vì sao ghi sổ?"),
                        ("paragraph", rich_text("<p>Tiền chung phải rõ ràng.</p>", features=RICH_FEATURES)),
                        ("image", {"image": image.pk, "alt": "Một trang sổ quỹ", "caption": "Sổ mẫu"}),
                        ("video", {"video": VIDEO_URL, "caption": "Cách kiểm quỹ"}),
                        ("video_file", {"document": video.pk, "caption": ""}),
                        ("document", {"document": pdf.pk, "title": "Tải mẫu phiếu thu"}),
                    ]
                ),
            },
        )
        assert response.status_code == 302, errors(response)
    response = add_page(
        client,
        "quizpage",
        course,
        {
            "title": "Bài kiểm tra cuối khóa",
            "slug": "kiem-tra",
            "intro": rich_text("<p>Chọn đáp án đúng.</p>"),
            "pass_mark": "70",
            "max_attempts": "3",
            "time_limit_minutes": "",
            "review": "full",
            "questions": streamfield(
                [
                    (
                        "single",
                        {
                            "prompt": "Ai giữ tiền quỹ?",
                            "choices": choices(("Thủ quỹ", True), ("Kế toán", False)),
                            "explanation": "Thủ quỹ giữ tiền, Kế toán ghi sổ.",
                        },
                    ),
                    (
                        "true_false",
                        {"prompt": "Mọi khoản chi phải có chứng từ.", "answer": "on", "explanation": ""},
                    ),
                ]
            ),
        },
    )
    assert response.status_code == 302, errors(response)

    lessons = list(LessonPage.objects.child_of(course).order_by("path"))
    quiz = QuizPage.objects.child_of(course).get()
    assert [lesson.title for lesson in lessons] == ["Bài 1. Sổ quỹ", "Bài 2. Sổ quỹ"]
    assert [b.block_type for b in lessons[0].get_latest_revision_as_object().body] == [
        "heading",
        "paragraph",
        "image",
        "video",
        "video_file",
        "document",
    ]
    assert len(quiz.get_latest_revision_as_object().questions) == 2
    # Nothing is public before a reviewer approves.
    assert "Sổ sách cho tổ hợp tác" not in Client().get("/khoa-hoc/").content.decode()

    client.force_login(reviewer)
    for page in [course, *lessons, quiz]:
        approve(client, page)

    for page in [course, *lessons, quiz]:
        assert Page.objects.get(pk=page.pk).live, page
    client.logout()
    assert "Sổ sách cho tổ hợp tác" in client.get("/khoa-hoc/").content.decode()
    lesson_html = client.get(LessonPage.objects.get(pk=lessons[0].pk).url).content.decode()
    assert "Tiền chung phải rõ ràng." in lesson_html and "Tải mẫu phiếu thu" in lesson_html
    assert '<video controls preload="none"' in lesson_html and "srcset=" in lesson_html


def test_trainer_cannot_publish_directly(client, catalogue, trainer):
    client.force_login(trainer)
    add_page(
        client,
        "coursepage",
        catalogue,
        {
            "title": "Khóa học thử",
            "slug": "khoa-hoc-thu",
            "summary": "Tóm tắt.",
            "topics": [Topic.objects.get(slug="other").pk],
            "audience": "everyone",
            "estimated_hours": "1",
            "outcomes": streamfield([]),
        },
        action="action-publish",
    )
    course = CoursePage.objects.get(slug="khoa-hoc-thu")
    assert not course.live


def test_trainer_cannot_edit_outside_the_catalogue(client, trainer):
    home = HomePage.objects.get()
    client.force_login(trainer)
    response = client.get(reverse("wagtailadmin_pages:edit", args=(home.pk,)))
    assert response.status_code in (302, 403)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=(home.pk,)),
        {"title": "Đã bị sửa", "slug": "home", "intro": rich_text("<p>x</p>"), "action-publish": "1"},
    )
    assert response.status_code in (302, 403)
    home.refresh_from_db()
    assert home.title == "Nâng Tầm"
    assert not home.permissions_for_user(trainer).can_edit()
    assert not home.permissions_for_user(trainer).can_add_subpage()
    response = client.get(reverse("wagtailadmin_pages:add", args=("content", "courseindexpage", home.pk)))
    assert response.status_code in (302, 403)


def test_trainer_may_edit_the_courses_but_not_publish(catalogue, trainer):
    course = make_course()
    perms = course.permissions_for_user(trainer)
    assert perms.can_edit() and perms.can_add_subpage()
    assert not perms.can_publish()


def test_learner_cannot_open_the_admin(client):
    learner = UserFactory(username="hoc-vien", role="learner")
    client.force_login(learner)
    response = client.get("/admin/")
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"].startswith("/admin/login/")
    client.logout()
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("model", ["lesson", "quiz"])
def test_preview_renders_lessons_and_quizzes(client, trainer, model):
    course = make_course("Quản trị hợp tác xã", lessons=1)
    page = (LessonPage if model == "lesson" else QuizPage).objects.child_of(course).get()
    client.force_login(trainer)
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(page.pk,))
    if model == "lesson":
        fields = {
            "title": "Bài 1. Bản xem trước",
            "slug": page.slug,
            "estimated_minutes": "10",
            "body": streamfield(
                [("paragraph", rich_text("<p>Nội dung đang soạn.</p>", features=RICH_FEATURES))]
            ),
        }
    else:
        fields = {
            "title": "Bài kiểm tra (xem trước)",
            "slug": page.slug,
            "intro": rich_text("<p>Hướng dẫn.</p>"),
            "pass_mark": "60",
            "max_attempts": "0",
            "time_limit_minutes": "",
            "review": "full",
            "questions": streamfield(
                [
                    (
                        "single",
                        {
                            "prompt": "Ai triệu tập Đại hội?",
                            "choices": choices(("Hội đồng quản trị", True), ("Khách hàng", False)),
                            "explanation": "Hội đồng quản trị triệu tập.",
                        },
                    )
                ]
            ),
        }
    response = client.post(url, form_data(fields))
    assert response.status_code == 200 and response.json()["is_valid"], response.content
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    if model == "lesson":
        assert "Bài 1. Bản xem trước" in body and "Nội dung đang soạn." in body
    else:
        assert "Bài kiểm tra (xem trước)" in body and "từ 60%" in body
        # Trainers see the questions with the answers in preview.
        assert "Ai triệu tập Đại hội?" in body and "đáp án đúng" in body


def test_preview_of_a_new_lesson_renders(client, trainer):
    course = make_course("Quản trị hợp tác xã", lessons=1)
    client.force_login(trainer)
    url = reverse("wagtailadmin_pages:preview_on_add", args=("content", "lessonpage", course.pk))
    fields = {
        "title": "Bài mới",
        "slug": "bai-moi",
        "estimated_minutes": "10",
        "body": streamfield([("heading", "Mục đầu tiên")]),
    }
    assert client.post(url, form_data(fields)).json()["is_valid"]
    response = client.get(url)
    assert response.status_code == 200
    assert "Mục đầu tiên" in response.content.decode()


def test_every_page_type_keeps_revisions():
    course = make_course(lessons=1)
    for page in [course, *course.get_children().specific()]:
        assert page.revisions.count() >= 1
