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
