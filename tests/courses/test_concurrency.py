"""Simultaneous starts and submissions on PostgreSQL (real row locks)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from courses.models import Attempt, Completion
from courses.services import attempt_start, attempt_submit, enrollment_enrol, lesson_mark_done
from tests.factories.courses import learner, lessons_of, quiz_of, right_answers
from tests.factories.courses import quick_course as make_course

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def run_together(fn, n):
    """Run ``fn`` in ``n`` threads released at the same instant; return
    their results (or exceptions)."""
    barrier = threading.Barrier(n)
    results = [None] * n

    def worker(i):
        try:
            barrier.wait(timeout=10)
            results[i] = fn()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_simultaneous_starts_make_one_attempt():
    course = make_course(lessons=1, max_attempts=1)
    quiz = quiz_of(course)
    user = learner()
    enrollment_enrol(user=user, course=course)

    results = run_together(lambda: attempt_start(user=user, quiz=quiz)[0].pk, 6)

    assert Attempt.objects.filter(user=user, quiz=quiz).count() == 1
    ids = {r for r in results if isinstance(r, int)}
    assert len(ids) == 1  # every request got the same open attempt back


def test_simultaneous_start_and_submit_loops_never_exceed_the_limit():
    course = make_course(lessons=1, max_attempts=3)
    quiz = quiz_of(course)
    user = learner()
    enrollment_enrol(user=user, course=course)

    def start_and_submit():
        attempt, _ = attempt_start(user=user, quiz=quiz)
        return attempt_submit(attempt=attempt, answers={}).pk

    for _ in range(3):
        run_together(start_and_submit, 5)

    assert Attempt.objects.filter(user=user, quiz=quiz).count() == 3
    assert sorted(Attempt.objects.values_list("number", flat=True)) == [1, 2, 3]
    try:
        attempt_start(user=user, quiz=quiz)
    except ValidationError as exc:
        assert exc.code == "no_attempts_left"
    else:
        pytest.fail("a fourth attempt was started")


def test_simultaneous_submits_grade_once_and_complete_once():
    course = make_course(lessons=1)
    quiz = quiz_of(course)
    user = learner()
    enrollment_enrol(user=user, course=course)
    lesson_mark_done(user=user, lesson=lessons_of(course)[0])
    attempt, _ = attempt_start(user=user, quiz=quiz)
    answers = right_answers(attempt)

    results = run_together(
        lambda: attempt_submit(attempt=Attempt.objects.get(pk=attempt.pk), answers=answers), 6
    )

    assert all(isinstance(r, Attempt) for r in results), results
    assert {(r.score, r.submitted_at) for r in results} == {(results[0].score, results[0].submitted_at)}
    assert Completion.objects.filter(person=user.person, course=course).count() == 1
