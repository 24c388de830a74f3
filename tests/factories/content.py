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
