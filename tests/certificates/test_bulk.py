import datetime

import pytest

from certificates import services
from certificates.models import BulkIssue, Certificate
from certificates.services import bulk_issue_run, bulk_issue_start, certificate_issue
from tests.factories.certificates import make_completion, make_session
from tests.factories.registry import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_rendering(monkeypatch):
    # Bulk issuing is about who gets a certificate; rendering has its own tests.
    monkeypatch.setattr("certificates.services._enqueue_render", lambda pk: None)
    monkeypatch.setattr("certificates.services._enqueue_renders", lambda ids: None)


def attendees(session, n):
    people = [PersonFactory() for _ in range(n)]
    for p in people:
        make_completion(p, session=session, completed_on=session.end_date)
    return people


def test_bulk_issues_everyone_who_attended_and_counts_progress(
    admin_user, django_capture_on_commit_callbacks
):
    session = make_session(issues_certificate=False)  # an explicit admin request
    people = attendees(session, 3)
    certificate_issue(person=people[0], session=session, issued_on=session.end_date)
    PersonFactory()  # did not attend
    with django_capture_on_commit_callbacks(execute=True):
        job = bulk_issue_start(session=session, requested_by=admin_user)
    job.refresh_from_db()
    assert (job.status, job.total, job.done, job.created, job.errors) == (BulkIssue.Status.DONE, 3, 3, 2, [])
    assert Certificate.objects.filter(session=session).count() == 3
    assert all(c.issued_on == session.end_date for c in Certificate.objects.all())


def test_running_again_issues_nothing_twice():
    session = make_session()
    attendees(session, 2)
    first = bulk_issue_run(job_id=BulkIssue.objects.create(session=session).pk)
    again = bulk_issue_run(job_id=BulkIssue.objects.create(session=session).pk)
    assert (first.created, again.created, again.done) == (2, 0, 2)
    assert sorted(Certificate.objects.values_list("serial", flat=True)) == [
        "NT-2024-000001",
        "NT-2024-000002",
    ]


def test_one_persons_error_is_recorded_and_the_rest_are_issued(monkeypatch):
    session = make_session()
    people = attendees(session, 3)
    real = services._new_certificate

    def failing_for_one(*, person, **kwargs):
        if person == people[1]:
            raise ValueError("hồ sơ lỗi")
        return real(person=person, **kwargs)

    monkeypatch.setattr("certificates.services._new_certificate", failing_for_one)
    job = bulk_issue_run(job_id=BulkIssue.objects.create(session=session).pk)
    assert (job.done, job.created) == (3, 2)
    assert job.errors == [{"person": people[1].code, "name": people[1].full_name, "message": "hồ sơ lỗi"}]
    assert set(Certificate.objects.values_list("person", flat=True)) == {people[0].pk, people[2].pk}
    # No serial was lost to the failed batch.
    assert sorted(Certificate.objects.values_list("serial", flat=True)) == [
        "NT-2024-000001",
        "NT-2024-000002",
    ]


def test_batches_take_consecutive_serials_across_years_and_save_progress(monkeypatch, course):
    monkeypatch.setattr(services, "BULK_BATCH", 4)
    people = [PersonFactory() for _ in range(10)]
    for n, p in enumerate(people):
        make_completion(p, course=course, completed_on=datetime.date(2023 + n % 2, 6, 1))
    certificate_issue(person=people[3], course=course, issued_on=datetime.date(2024, 6, 1))
    saved = []
    real_save = BulkIssue.save

    def recording_save(self, *args, **kwargs):
        saved.append((self.done, self.created))
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(BulkIssue, "save", recording_save)
    job = bulk_issue_run(job_id=BulkIssue.objects.create(course=course).pk)
    assert (job.total, job.done, job.created, job.errors) == (10, 10, 9, [])
    assert [done for done, _ in saved] == [0, 0, 4, 8, 10, 10]  # created, started, 3 batches, done
    serials = sorted(Certificate.objects.values_list("serial", flat=True))
    assert serials == [f"NT-2023-{n:06d}" for n in range(1, 6)] + [f"NT-2024-{n:06d}" for n in range(1, 6)]
    assert Certificate.objects.filter(course=course).values("person").distinct().count() == 10


def test_bulk_for_a_course_takes_every_completion(course):
    people = [PersonFactory() for _ in range(2)]
    for p in people:
        make_completion(p, course=course)
    job = bulk_issue_run(job_id=BulkIssue.objects.create(course=course).pk)
    assert job.created == 2 and Certificate.objects.filter(course=course).count() == 2


def test_issue_certificates_command(capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    session = make_session("Lớp kế toán")
    attendees(session, 2)
    call_command("issue_certificates", "--session", session.code)
    assert "Lớp kế toán: 2 người đủ điều kiện, cấp mới 2, lỗi 0." in capsys.readouterr().out
    with pytest.raises(CommandError, match="Không có lớp tập huấn KHONG-CO"):
        call_command("issue_certificates", "--session", "KHONG-CO")


def test_bulk_renders_every_pdf_a_few_per_task(monkeypatch, django_capture_on_commit_callbacks):
    from certificates import tasks

    monkeypatch.undo()
    monkeypatch.setattr(services, "RENDER_BATCH", 2)
    sent = []
    real_delay = tasks.render_certificates.delay
    monkeypatch.setattr(tasks.render_certificates, "delay", lambda ids: sent.append(ids) or real_delay(ids))
    session = make_session()
    attendees(session, 3)
    with django_capture_on_commit_callbacks(execute=True):
        bulk_issue_run(job_id=BulkIssue.objects.create(session=session).pk)
    assert [len(ids) for ids in sent] == [2, 1]
    certificates = Certificate.objects.filter(session=session)
    assert {c.status for c in certificates} == {Certificate.Status.ISSUED}
    assert all(c.pdf.read(5) == b"%PDF-" for c in certificates)
