"""Build courses as a trainer would: pages under the catalogue, published."""

from __future__ import annotations

import uuid

from content.models import CourseIndexPage, CoursePage, LessonPage, QuizPage, Topic


def catalogue() -> CourseIndexPage:
    return CourseIndexPage.objects.first()


def make_course(
    title: str = "Quản trị hợp tác xã",
    *,
    topics: tuple[str, ...] = ("governance",),
    lessons: int = 2,
    questions: list[dict] | None = None,
    earns_certificate: bool = True,
    **quiz_options,
) -> CoursePage:
    """A published course with ``lessons`` lessons and a quiz.

    ``questions`` are raw StreamField items; by default two: one single
    choice (answer: the first option) and one true/false (answer: true).
    """
    index = catalogue()
    course = CoursePage(
        title=title,
        slug=f"course-{uuid.uuid4().hex[:8]}",
        summary=f"Tóm tắt {title}",
        earns_certificate=earns_certificate,
    )
    index.add_child(instance=course)
    course.topics.set(Topic.objects.filter(slug__in=topics))
    course.save_revision().publish()
    for n in range(1, lessons + 1):
        lesson = LessonPage(
            title=f"Bài {n}",
            slug=f"bai-{n}",
            body=[("heading", f"Mục {n}"), ("paragraph", f"<p>Nội dung bài {n}.</p>")],
        )
        course.add_child(instance=lesson)
        lesson.save_revision().publish()
    quiz = QuizPage(
        title="Bài kiểm tra cuối khóa",
        slug="kiem-tra",
        questions=questions if questions is not None else default_questions(),
        **quiz_options,
    )
    course.add_child(instance=quiz)
    quiz.save_revision().publish()
    return CoursePage.objects.get(pk=course.pk)


def default_questions() -> list[tuple[str, dict]]:
    return [
        (
            "single",
            {
                "prompt": "Ai triệu tập Đại hội thành viên thường niên?",
                "choices": [
                    {"text": "Hội đồng quản trị", "correct": True},
                    {"text": "Một thành viên bất kỳ", "correct": False},
                ],
                "explanation": "Hội đồng quản trị triệu tập đại hội thường niên.",
            },
        ),
        (
            "true_false",
            {
                "prompt": "Mỗi thành viên có một phiếu biểu quyết.",
                "answer": True,
                "explanation": "Nguyên tắc một thành viên một phiếu.",
            },
        ),
    ]


# --- Lesson media and long lessons ------------------------------------------------


def make_image(title: str = "Ảnh minh hoạ", *, width: int = 1600, height: int = 900):
    """A Wagtail image: a plain PNG drawn with Pillow."""
    from io import BytesIO

    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from wagtail.images import get_image_model

    out = BytesIO()
    PILImage.new("RGB", (width, height), (11, 107, 79)).save(out, format="PNG")
    image = get_image_model()(title=title, file=ImageFile(out, name="anh.png"))
    image.save()
    return image


def make_document(title: str = "Biểu mẫu", *, filename: str = "bieu-mau.pdf", content: bytes = b"%PDF-1.4\n"):
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    document = get_document_model()(title=title, file=ContentFile(content, name=filename))
    document.save()
    return document


VIDEO_URL = "https://www.youtube.com/watch?v=nangtam0001"


def make_embed(url: str = VIDEO_URL):
    """The cached oEmbed answer for ``url``, so that no test fetches it."""
    from wagtail.embeds.embeds import get_embed_hash
    from wagtail.embeds.models import Embed

    embed, _ = Embed.objects.get_or_create(
        hash=get_embed_hash(url),
        defaults={
            "url": url,
            "type": "video",
            "html": '<iframe width="640" height="360" src="https://www.youtube-nocookie.com/embed/nangtam0001"></iframe>',
            "title": "Video hướng dẫn",
            "provider_name": "YouTube",
            "width": 640,
            "height": 360,
        },
    )
    return embed


def lesson_body(sections: int = 1) -> list[dict]:
    """Raw StreamField data of a text lesson: each section a heading, two
    paragraphs, a callout, a worked example and a checklist."""
    body = []
    for n in range(1, sections + 1):
        body += [
            {"type": "heading", "value": f"Phần {n}. Sổ thu chi"},
            {
                "type": "paragraph",
                "value": f"<p>Đoạn {n}: ghi mọi khoản thu, chi trong ngày, có chứng từ kèm theo.</p>",
            },
            {"type": "paragraph", "value": "<ul><li>Phiếu thu</li><li>Phiếu chi</li></ul>"},
            {"type": "callout", "value": {"kind": "tip", "text": "<p>Kiểm quỹ mỗi cuối tuần.</p>"}},
            {
                "type": "example_table",
                "value": {
                    "title": f"Ví dụ {n}",
                    "header": "Khoản mục | Số tiền (đồng)",
                    "rows": "Doanh thu | 12.000.000\nChi phí | 9.500.000\nLãi | 2.500.000",
                    "note": "Lãi = doanh thu − chi phí.",
                },
            },
            {"type": "checklist", "value": {"title": "Tự kiểm tra", "items": ["Có sổ quỹ", "Có chứng từ"]}},
        ]
    return body
