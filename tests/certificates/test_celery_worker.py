"""The whole path through a real Celery worker process on Redis: a
completion announced after commit, the issuing task, the rendering task,
the PDF in the shared media folder."""

import datetime
import time

import pytest
from django.db import transaction

from certificates.models import Certificate
from courses.models import Completion
from courses.signals import course_completed
from tests.factories.certificates import make_completion, make_session
from tests.factories.registry import PersonFactory

TIMEOUT_S = 90


def wait_for(predicate, *, timeout: float, log_path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.25)
    pytest.fail(f"timed out after {timeout}s; worker log:\n{log_path.read_text()[-4000:]}")


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_attendance_to_pdf_through_a_real_worker(celery_worker_process, settings):
    _worker, log_path = celery_worker_process
    session = make_session("Tập huấn thương mại điện tử", issues_certificate=True)
    person = PersonFactory(full_name="Nguyễn Thị Huỳnh Như")
    make_completion(person, session=session, completed_on=session.end_date)

    with transaction.atomic():
        # As courses does it: announced once the completion is committed.
        transaction.on_commit(
            lambda: course_completed.send(
                sender=Completion, person=person, course=None, session=session, completed_on=session.end_date
            )
        )

    def issued():
        c = Certificate.objects.filter(person=person, session=session).first()
        return c is not None and c.status in (Certificate.Status.ISSUED, Certificate.Status.FAILED)

    wait_for(issued, timeout=TIMEOUT_S, log_path=log_path)
    certificate = Certificate.objects.get(person=person, session=session)
    assert certificate.status == Certificate.Status.ISSUED, certificate.error
    assert certificate.issued_on == session.end_date == datetime.date(2024, 5, 8)
    pdf = settings.MEDIA_ROOT / certificate.pdf.name
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert "succeeded" in log_path.read_text()
