"""Celery tasks of the certificates app: ids in, one service call each."""

from __future__ import annotations

import logging
from datetime import date

from celery import shared_task
from django.db import DatabaseError, InterfaceError, OperationalError

from certificates import services
from certificates.models import BulkIssue, Certificate

logger = logging.getLogger(__name__)

# Worth another try: the database or the file store did not answer.
TRANSIENT = (OperationalError, InterfaceError, OSError)
MAX_RETRIES = 5


def _backoff(retries: int) -> int:
    return min(300, 5 * 2**retries)


def _retry(task, exc: Exception):
    """Retry ``task`` later; run inline (eager, no worker), Celery re-runs a
    returned Retry at once, whereas a raised one would escape to the caller."""
    if task.request.is_eager:
        return task.retry(exc=exc, countdown=0, throw=False)
    raise task.retry(exc=exc, countdown=_backoff(task.request.retries)) from exc


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True)
def render_certificate(self, certificate_id: int) -> str:
    """Render one certificate's PDF; retried on transient errors, marked
    failed (with the error) on any other error or when retries run out."""
    try:
        certificate = services.certificate_render(certificate_id=certificate_id)
    except Certificate.DoesNotExist:
        logger.warning("render_certificate: no certificate %s", certificate_id)
        return "missing"
    except TRANSIENT as exc:
        if self.request.retries < self.max_retries:
            return _retry(self, exc)
        services.certificate_mark_failed(certificate_id=certificate_id, error=f"{type(exc).__name__}: {exc}")
        return "failed"
    except Exception as exc:
        logger.exception("render_certificate %s failed", certificate_id)
        services.certificate_mark_failed(certificate_id=certificate_id, error=f"{type(exc).__name__}: {exc}")
        return "failed"
    return certificate.status


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True, soft_time_limit=600, time_limit=660)
def render_certificates(self, certificate_ids: list[int]) -> dict[str, int]:
    """Render a few certificates (sent by bulk issuing). On a transient error
    the task is retried for those still to render; any other error marks
    that one certificate failed and the others go on."""
    counts = {"issued": 0, "failed": 0, "missing": 0}
    for n, certificate_id in enumerate(certificate_ids):
        try:
            services.certificate_render(certificate_id=certificate_id)
            counts["issued"] += 1
        except Certificate.DoesNotExist:
            counts["missing"] += 1
        except TRANSIENT as exc:
            if self.request.retries < self.max_retries:
                if self.request.is_eager:
                    return self.retry(args=(certificate_ids[n:],), exc=exc, countdown=0, throw=False)
                raise self.retry(
                    args=(certificate_ids[n:],), exc=exc, countdown=_backoff(self.request.retries)
                ) from exc
            services.certificate_mark_failed(
                certificate_id=certificate_id, error=f"{type(exc).__name__}: {exc}"
            )
            counts["failed"] += 1
        except Exception as exc:
            logger.exception("render_certificates: %s failed", certificate_id)
            services.certificate_mark_failed(
                certificate_id=certificate_id, error=f"{type(exc).__name__}: {exc}"
            )
            counts["failed"] += 1
    return counts


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True)
def issue_certificate(
    self, *, person_id: int, course_id: int | None, session_id: int | None, completed_on: str
) -> int | None:
    """Issue after a completion, when it earns a certificate (see
    ``certificate_issue_on_completion``). Returns the certificate id."""
    from content.models import CoursePage
    from courses.models import TrainingSession
    from lms.registry.models import Person

    try:
        person = Person.objects.filter(pk=person_id).first()
        course = CoursePage.objects.filter(pk=course_id).first() if course_id else None
        session = TrainingSession.objects.filter(pk=session_id).first() if session_id else None
        if person is None or (course is None and session is None):
            return None
        certificate = services.certificate_issue_on_completion(
            person=person, course=course, session=session, completed_on=date.fromisoformat(completed_on)
        )
    except TRANSIENT as exc:
        if self.request.retries < self.max_retries:
            return _retry(self, exc)
        raise
    return certificate.pk if certificate else None


@shared_task(bind=True, max_retries=3, acks_late=True, soft_time_limit=3600, time_limit=3700)
def run_bulk_issue(self, job_id: int) -> str:
    """Run one bulk-issuing job (progress saved on the job row)."""
    try:
        job = services.bulk_issue_run(job_id=job_id)
    except BulkIssue.DoesNotExist:
        return "missing"
    except TRANSIENT as exc:
        if self.request.retries < self.max_retries:
            return _retry(self, exc)
        services.bulk_issue_mark_failed(job_id=job_id, error=f"{type(exc).__name__}: {exc}")
        return "failed"
    except DatabaseError as exc:
        logger.exception("bulk issue %s failed", job_id)
        services.bulk_issue_mark_failed(job_id=job_id, error=f"{type(exc).__name__}: {exc}")
        return "failed"
    return job.status
