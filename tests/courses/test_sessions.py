import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from courses.models import Attendance, Completion, TrainingSession
from courses.selectors import people_completed_topics, person_completions
from courses.services import attendance_set, session_delete, session_resync
from courses.signals import course_completed
from tests.factories.courses import TrainingSessionFactory, finish_course, learner
from tests.factories.registry import PersonFactory

pytestmark = pytest.mark.django_db

D1, D2, D3 = dt.date(2024, 3, 1), dt.date(2024, 5, 10), dt.date(2024, 9, 20)


@pytest.fixture
def signals():
    received = []
    course_completed.connect(lambda **kw: received.append(kw), weak=False, dispatch_uid="test-sessions")
    yield received
    course_completed.disconnect(dispatch_uid="test-sessions")


def test_attendance_writes_a_session_completion_dated_end_date(django_capture_on_commit_callbacks, signals):
    session = TrainingSessionFactory(
        start_date=D1, end_date=D1 + dt.timedelta(days=2), issues_certificate=True
    )
    person = PersonFactory()
    with django_capture_on_commit_callbacks(execute=True):
        result = attendance_set(session=session, present=[person.pk])
    assert result.created == 1
    completion = Completion.objects.get()
    assert (completion.person, completion.session, completion.course) == (person, session, None)
    assert completion.completed_on == session.end_date and completion.source == "in_person"
    assert len(signals) == 1 and signals[0]["session"] == session and signals[0]["course"] is None
    assert signals[0]["completed_on"] == session.end_date


def test_ticking_twice_changes_nothing_and_signals_once(django_capture_on_commit_callbacks, signals):
    session = TrainingSessionFactory()
    person = PersonFactory()
    with django_capture_on_commit_callbacks(execute=True):
        attendance_set(session=session, present=[person.pk])
        again = attendance_set(session=session, present=[person.pk])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert Completion.objects.count() == 1 and len(signals) == 1


def test_session_teaching_a_course_completes_the_course(django_capture_on_commit_callbacks, signals):
    from tests.factories.courses import quick_course

    course = quick_course(earns_certificate=False)
    session = TrainingSessionFactory(course=course, start_date=D2, end_date=D2)
    person = PersonFactory()
    with django_capture_on_commit_callbacks(execute=True):
        attendance_set(session=session, present=[person.pk])
    by_kind = {("course" if c.course_id else "session"): c for c in Completion.objects.all()}
    assert by_kind["course"].course_id == course.pk and by_kind["course"].completed_on == D2
    assert by_kind["course"].source == "in_person" and by_kind["course"].via_session == session
    assert {(s["course"] is not None, s["session"] is not None) for s in signals} == {
        (True, False),
        (False, True),
    }


def test_earliest_date_is_kept_when_the_course_was_already_completed_online(course):
    user = learner()
    finish_course(user, course)  # completed today (later than the session)
    online = Completion.objects.get(course=course)
    session = TrainingSessionFactory(course=course, start_date=D1, end_date=D1)
    attendance_set(session=session, present=[user.person_id])
    online.refresh_from_db()
    assert online.completed_on == D1 and online.via_session == session
    # Un-ticking gives the course completion back its online date: it is not removed.
    attendance_set(session=session, absent=[user.person_id])
    online.refresh_from_db()
    assert online.completed_on != D1 and online.source == "online" and online.via_session is None
    assert not Completion.objects.filter(session=session).exists()


def test_later_session_does_not_move_an_earlier_completion(course):
    person = PersonFactory()
    early = TrainingSessionFactory(course=course, start_date=D1, end_date=D1)
    late = TrainingSessionFactory(course=course, start_date=D3, end_date=D3)
    attendance_set(session=early, present=[person.pk])
    attendance_set(session=late, present=[person.pk])
    assert Completion.objects.get(course=course).completed_on == D1
    # Un-ticking the early session: the course completion now comes from the late one.
    attendance_set(session=early, absent=[person.pk])
    completion = Completion.objects.get(course=course)
    assert completion.completed_on == D3 and completion.via_session == late
    # And un-ticking the last source removes it.
    attendance_set(session=late, absent=[person.pk])
    assert not Completion.objects.filter(course=course).exists()


def test_untick_keeps_an_absent_row_and_removes_the_completion():
    session = TrainingSessionFactory()
    person = PersonFactory()
    attendance_set(session=session, present=[person.pk])
    result = attendance_set(session=session, absent=[person.pk])
    assert result.updated == 1
    assert Attendance.objects.get().attended is False
    assert not Completion.objects.exists()


def test_a_person_cannot_be_present_and_absent_at_once():
    session = TrainingSessionFactory()
    person = PersonFactory()
    with pytest.raises(ValidationError):
        attendance_set(session=session, present=[person.pk], absent=[person.pk])


def test_changing_the_end_date_moves_the_completions(course):
    session = TrainingSessionFactory(course=course, start_date=D1, end_date=D1)
    person = PersonFactory()
    attendance_set(session=session, present=[person.pk])
    session.end_date = D2
    session.save()
    session_resync(session=session)
    assert set(Completion.objects.values_list("completed_on", flat=True)) == {D2}


def test_changing_the_course_moves_the_course_completion(course):
    from tests.factories.courses import quick_course as make_course

    other = make_course("Kế toán", topics=("accounting",))
    session = TrainingSessionFactory(course=course)
    person = PersonFactory()
    attendance_set(session=session, present=[person.pk])
    previous = session.course_id
    session.course = other
    session.save()
    session_resync(session=session, previous_course_id=previous)
    assert set(Completion.objects.exclude(course=None).values_list("course_id", flat=True)) == {other.pk}


def test_deleting_a_session_rederives_course_completions(course):
    person = PersonFactory()
    keep = TrainingSessionFactory(course=course, start_date=D3, end_date=D3)
    gone = TrainingSessionFactory(course=course, start_date=D1, end_date=D1)
    attendance_set(session=keep, present=[person.pk])
    attendance_set(session=gone, present=[person.pk])
    session_delete(session=gone)
    assert not TrainingSession.objects.filter(pk=gone.pk).exists()
    assert Completion.objects.get(course=course).completed_on == D3


class TestCompletionSelectors:
    def test_person_completions_lists_online_and_in_person_with_topics(self, course):
        user = learner()
        finish_course(user, course)
        session = TrainingSessionFactory(
            title="Lớp kế toán", topics=("accounting", "other"), start_date=D2, end_date=D2
        )
        attendance_set(session=session, present=[user.person_id])
        rows = person_completions(person=user.person)
        assert [(r.kind, r.title, r.topics, r.source) for r in rows] == [
            ("session", "Lớp kế toán", ("accounting", "other"), "in_person"),
            ("course", course.title, ("governance",), "online"),
        ]
        assert [r.title for r in person_completions(person=user.person, start=D1, end=D3)] == ["Lớp kế toán"]
        assert person_completions(person=user.person, start=D3, end=D3) == []

    def test_people_completed_topics_counts_either_kind(self, course):
        online = learner()
        finish_course(online, course)
        present, other = PersonFactory(), PersonFactory()
        session = TrainingSessionFactory(topics=("accounting",), start_date=D2, end_date=D2)
        attendance_set(session=session, present=[present.pk])
        governance_or_accounting = set(people_completed_topics(topics=["governance", "accounting"]))
        assert governance_or_accounting == {online.person_id, present.pk}
        assert set(people_completed_topics(topics=["accounting"], start=D1, end=D3)) == {present.pk}
        assert set(people_completed_topics(topics=["accounting"], start=D3)) == set()
        assert other.pk not in governance_or_accounting

    def test_completion_topic_rows_union(self, course):
        from courses.selectors import completion_topic_rows

        person = PersonFactory()
        session = TrainingSessionFactory(
            topics=("accounting", "governance"), course=course, start_date=D2, end_date=D2
        )
        attendance_set(session=session, present=[person.pk])
        rows = sorted((r["topic"], r["session_id"] is not None) for r in completion_topic_rows())
        assert rows == [("accounting", True), ("governance", False), ("governance", True)]
        assert len(list(completion_topic_rows(topics=["accounting"]))) == 1
