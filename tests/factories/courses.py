"""Learning state built as a learner or trainer would: through the services."""

from __future__ import annotations

import datetime as dt

import factory

from content.models import CoursePage, LessonPage, QuizPage
from courses.models import Attempt, TrainingSession
from courses.selectors import course_outlines
from courses.services import attempt_start, attempt_submit, enrollment_enrol, lesson_mark_done
from tests.factories.registry import PersonFactory, UserFactory


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"S{n:04d}")
    title = factory.Sequence(lambda n: f"Lớp tập huấn số {n}")
    start_date = dt.date(2024, 5, 10)
    end_date = factory.LazyAttribute(lambda o: o.start_date)
    trainer = "Trần Thị Giảng"

    @factory.post_generation
    def topics(obj, create, extracted, **kwargs):
        from content.models import Topic

        if create:
            obj.topics.set(Topic.objects.filter(slug__in=extracted or ("governance",)))


def quick_course(
    title: str = "Quản trị hợp tác xã",
    *,
    topics: tuple[str, ...] = ("governance",),
    lessons: int = 2,
    questions: list | None = None,
    quiz: bool = True,
    earns_certificate: bool = True,
    **quiz_options,
) -> CoursePage:
    """Like ``tests.factories.content.make_course`` (published course,
    lessons, a quiz), but pages are added live without revisions: several
    times faster, for tests about learning rather than editing."""
    import uuid

    from content.models import Topic
    from tests.factories.content import catalogue, default_questions

    course = CoursePage(
        title=title,
        slug=f"course-{uuid.uuid4().hex[:8]}",
        summary=f"Tóm tắt {title}",
        earns_certificate=earns_certificate,
    )
    catalogue().add_child(instance=course)
    course.topics.set(Topic.objects.filter(slug__in=topics))
    course.save()
    for n in range(1, lessons + 1):
        course.add_child(
            instance=LessonPage(
                title=f"Bài {n}",
                slug=f"bai-{n}",
                body=[("heading", f"Mục {n}"), ("paragraph", f"<p>Nội dung bài {n}.</p>")],
            )
        )
    if quiz:
        course.add_child(
            instance=QuizPage(
                title="Bài kiểm tra cuối khóa",
                slug="kiem-tra",
                questions=questions if questions is not None else default_questions(),
                **quiz_options,
            )
        )
    return CoursePage.objects.get(pk=course.pk)


def learner(username: str | None = None, **kwargs):
    """A learner account linked to a registry person."""
    person = kwargs.pop("person", None) or PersonFactory()
    if username:
        kwargs["username"] = username
    return UserFactory(role="learner", person=person, **kwargs)


def lessons_of(course: CoursePage) -> list[LessonPage]:
    outline = course_outlines(courses=[course])[course.pk]
    return list(LessonPage.objects.filter(pk__in=outline.lesson_ids).order_by("path"))


def quiz_of(course: CoursePage) -> QuizPage:
    return QuizPage.objects.child_of(course).live().first()


def right_answers(attempt: Attempt) -> dict[str, list[str]]:
    return {q["id"]: [c["id"] for c in q["choices"] if c["correct"]] for q in attempt.questions}


def wrong_answers(attempt: Attempt) -> dict[str, list[str]]:
    return {q["id"]: [c["id"] for c in q["choices"] if not c["correct"]][:1] for q in attempt.questions}


def finish_course(user, course: CoursePage) -> None:
    """Enrol, mark every lesson done and pass the quiz, as the learner would."""
    enrollment_enrol(user=user, course=course)
    for lesson in lessons_of(course):
        lesson_mark_done(user=user, lesson=lesson)
    quiz = quiz_of(course)
    if quiz is not None:
        attempt, _ = attempt_start(user=user, quiz=quiz)
        attempt_submit(attempt=attempt, answers=right_answers(attempt))
