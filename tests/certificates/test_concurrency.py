"""Serials under concurrency, on PostgreSQL (row locks)."""

import datetime
import threading

import pytest
from django.db import connection

from certificates.models import Certificate
from certificates.services import certificate_issue
from tests.factories.certificates import make_completion, make_session
from tests.factories.registry import PersonFactory

DAY = datetime.date(2024, 6, 15)


def run_together(calls):
    barrier = threading.Barrier(len(calls))
    errors = []

    def worker(call):
        try:
            barrier.wait()
            call()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_issuing_gives_consecutive_unique_serials(monkeypatch):
    monkeypatch.setattr("certificates.services._enqueue_render", lambda pk: None)
    session = make_session()
    people = [PersonFactory() for _ in range(12)]
    for p in people:
        make_completion(p, session=session, completed_on=DAY)
    calls = [
        (lambda p=p: certificate_issue(person=p, session=session, issued_on=DAY))
        for p in people + people[:4]  # four people asked for twice at the same moment
    ]
    run_together(calls)
    serials = sorted(Certificate.objects.values_list("serial", flat=True))
    assert serials == [f"NT-2024-{n:06d}" for n in range(1, 13)]
    assert Certificate.objects.values("person").distinct().count() == 12
