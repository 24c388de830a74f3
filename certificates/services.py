"""Writes of the certificates app: issuing, rendering, revoking, bulk jobs.

Every certificate is made by ``certificate_issue``, whichever door asked
(the ``course_completed`` signal, the admin, a bulk job, a command).
"""

from __future__ import annotations

import logging
import secrets
import unicodedata
from datetime import date
from functools import partial

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.models import (
    DEFAULT_TEMPLATE,
    BulkIssue,
    Certificate,
    CertificateTemplate,
    CourseCertificateTemplate,
    SerialCounter,
)
from content.models import CoursePage
from courses.models import Completion, Enrollment, TrainingSession
from lms.registry.models import Person, User

logger = logging.getLogger(__name__)

SERIAL_FORMAT = "NT-{year}-{number:06d}"


# --- templates ---------------------------------------------------------------


def certificate_template_default() -> CertificateTemplate:
    """The default template, created with the stock wording when none is
    marked default (a fresh database, or the default was deleted)."""
    template = CertificateTemplate.objects.filter(is_default=True).first()
    if template is not None:
        return template
    try:
        with transaction.atomic():
            return CertificateTemplate.objects.create(is_default=True, **DEFAULT_TEMPLATE)
    except IntegrityError:  # made meanwhile by another process
        return CertificateTemplate.objects.get(is_default=True)


def certificate_template_for(
    *, course: CoursePage | None = None, session: TrainingSession | None = None
) -> CertificateTemplate:
    """The template chosen for ``course`` (a session uses the choice of the
    course it teaches), else the default."""
    course_id = course.pk if course is not None else (session.course_id if session is not None else None)
    if course_id:
        choice = (
            CourseCertificateTemplate.objects.select_related("template").filter(course_id=course_id).first()
        )
        if choice is not None:
            return choice.template
    return certificate_template_default()


# --- issuing -----------------------------------------------------------------


def _existing(*, person: Person, course: CoursePage | None, session: TrainingSession | None):
    if course is not None:
        return Certificate.objects.filter(person=person, course=course).first()
    return Certificate.objects.filter(person=person, session=session).first()


def _lock_counter(year: int) -> SerialCounter:
    """The year's counter, row-locked until the caller's transaction ends."""
    counter = SerialCounter.objects.select_for_update().filter(year=year).first()
    if counter is None:
        SerialCounter.objects.bulk_create([SerialCounter(year=year)], ignore_conflicts=True)
        counter = SerialCounter.objects.select_for_update().get(year=year)
    return counter


def _course_start(*, person: Person, course: CoursePage) -> date | None:
    enrolled_at = (
        Enrollment.objects.filter(user__person=person, course=course)
        .values_list("enrolled_at", flat=True)
        .first()
    )
    return timezone.localdate(enrolled_at) if enrolled_at else None


def _new_certificate(
    *,
    person: Person,
    course: CoursePage | None,
    session: TrainingSession | None,
    template: CertificateTemplate,
    number: int,
    issued_on: date,
    issued_by: User | None,
    course_start: date | None,
) -> Certificate:
    """An unsaved certificate with its snapshot of name, title, hours, dates."""
    if course is not None:
        title, hours = course.title, course.estimated_hours
        start_date, end_date = course_start, issued_on
    else:
        title, hours = session.title, None
        start_date, end_date = session.start_date, session.end_date
    return Certificate(
        person=person,
        course=course,
        session=session,
        template=template,
        serial=SERIAL_FORMAT.format(year=issued_on.year, number=number),
        title=_nfc(title),
        holder_name=_nfc(person.full_name),
        hours=hours,
        start_date=start_date if start_date and start_date < end_date else None,
        end_date=end_date,
        issued_on=issued_on,
        issued_by=issued_by,
    )


def _nfc(text: str) -> str:
    # Names typed on some phones arrive decomposed (base letter + combining
    # marks); one composed form prints the same everywhere and compares equal.
    return unicodedata.normalize("NFC", text).strip()


def certificate_issue(
    *,
    person: Person,
    course: CoursePage | None = None,
    session: TrainingSession | None = None,
    issued_on: date,
    issued_by: User | None = None,
) -> Certificate:
    """The certificate of ``person`` for ``course`` or ``session`` (exactly
    one), issued on ``issued_on``: the existing one if she already holds it,
    else a new one.

    A new certificate takes the next serial of its year (``NT-YYYY-NNNNNN``)
    from ``SerialCounter``, locked with SELECT ... FOR UPDATE, in the same
    transaction as the certificate, so that serials have no gaps and no
    duplicates. Name, title, hours and dates are copied; the template is the
    course's choice or the default. The PDF is rendered by a Celery task sent
    after commit. Safe to call twice, or from two processes at once.
    """
    if (course is None) == (session is None):
        raise ValidationError(_("Chọn đúng một khóa học hoặc một lớp tập huấn."))
    existing = _existing(person=person, course=course, session=session)
    if existing is not None:
        return existing
    template = certificate_template_for(course=course, session=session)
    course_start = _course_start(person=person, course=course) if course is not None else None
    try:
        with transaction.atomic():
            counter = _lock_counter(issued_on.year)
            # Issuers of one year queue on the counter: look again once we hold it.
            existing = _existing(person=person, course=course, session=session)
            if existing is not None:
                return existing
            counter.last += 1
            counter.save(update_fields=["last"])
            certificate = _new_certificate(
                person=person,
                course=course,
                session=session,
                template=template,
                number=counter.last,
                issued_on=issued_on,
                issued_by=issued_by,
                course_start=course_start,
            )
            certificate.save(force_insert=True)
            transaction.on_commit(partial(_enqueue_render, certificate.pk), robust=True)
    except IntegrityError:
        # Issued meanwhile under another year's counter: the constraint kept
        # one, and the rollback returned our serial.
        existing = _existing(person=person, course=course, session=session)
        if existing is None:
            raise
        return existing
    return certificate


def _enqueue_render(certificate_id: int) -> None:
    from certificates.tasks import render_certificate

    render_certificate.delay(certificate_id)


RENDER_BATCH = 10


def _enqueue_renders(certificate_ids: list[int]) -> None:
    """Render many certificates, a few per task: each task costs a round trip
    to the broker, and two workers still share the work evenly."""
    from certificates.tasks import render_certificates

    for start in range(0, len(certificate_ids), RENDER_BATCH):
        render_certificates.delay(certificate_ids[start : start + RENDER_BATCH])


def certificate_issue_on_completion(
    *,
    person: Person,
    course: CoursePage | None,
    session: TrainingSession | None,
    completed_on: date,
) -> Certificate | None:
    """Issue automatically after a completion, when it earns a certificate:
    an online completion of a course marked ``earns_certificate`` (a course
    completed by attending a session is proved by the session's own
    certificate), or attendance of a session that ``issues_certificate``.
    Returns None when nothing is due."""
    if session is not None:
        if not session.issues_certificate:
            return None
        return certificate_issue(person=person, session=session, issued_on=completed_on)
    if course is None or not course.earns_certificate:
        return None
    online = Completion.objects.filter(person=person, course=course, source=Completion.Source.ONLINE).exists()
    if not online:
        return None
    return certificate_issue(person=person, course=course, issued_on=completed_on)


def certificate_issue_by_hand(
    *,
    person: Person,
    course: CoursePage | None = None,
    session: TrainingSession | None = None,
    issued_by: User | None = None,
) -> Certificate:
    """Issue one certificate from the admin. The person must have completed
    the course or attended the session; the certificate is dated that day.
    (The course and session flags only govern automatic issuing.)"""
    if (course is None) == (session is None):
        raise ValidationError(_("Chọn đúng một khóa học hoặc một lớp tập huấn."))
    completion = Completion.objects.filter(person=person, course=course, session=session).first()
    if completion is None:
        raise ValidationError(
            _("%(name)s chưa hoàn thành khóa học hoặc chưa tham dự lớp tập huấn này.")
            % {"name": person.full_name}
        )
    return certificate_issue(
        person=person,
        course=course,
        session=session,
        issued_on=completion.completed_on,
        issued_by=issued_by,
    )


# --- rendering ---------------------------------------------------------------


def certificate_render(*, certificate_id: int) -> Certificate:
    """Render and store the PDF of one certificate, once.

    Marks the row ``rendering``, renders with no lock held, then locks the
    row and stores the file only if no other run stored one meanwhile: a
    certificate never gets two PDFs. Returns at once when
    the PDF exists. Raises ``Certificate.DoesNotExist`` for an unknown id and
    lets rendering or storage errors through (the task decides to retry).
    """
    from certificates.rendering import render_certificate_pdf

    certificate = Certificate.objects.select_related("person", "template").get(pk=certificate_id)
    if certificate.status == Certificate.Status.ISSUED and certificate.pdf:
        return certificate
    Certificate.objects.filter(pk=certificate_id).exclude(status=Certificate.Status.ISSUED).update(
        status=Certificate.Status.RENDERING, error=""
    )
    pdf = render_certificate_pdf(certificate)

    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
        if certificate.status == Certificate.Status.ISSUED and certificate.pdf:
            return certificate
        name = f"{certificate.serial}-{secrets.token_hex(8)}.pdf"
        certificate.pdf.save(name, ContentFile(pdf), save=False)
        try:
            certificate.status, certificate.error = Certificate.Status.ISSUED, ""
            certificate.rendered_at = timezone.now()
            certificate.save(update_fields=["pdf", "status", "error", "rendered_at"])
        except Exception:
            certificate.pdf.storage.delete(certificate.pdf.name)
            raise
    return certificate


def certificate_mark_failed(*, certificate_id: int, error: str) -> None:
    """Record that rendering failed for good, so the admin shows why."""
    Certificate.objects.filter(pk=certificate_id).exclude(status=Certificate.Status.ISSUED).update(
        status=Certificate.Status.FAILED, error=error[:4000]
    )


def certificate_rerender(*, certificate: Certificate) -> Certificate:
    """Render again a certificate whose PDF is missing (failed, or stuck
    after a lost task). A certificate with its PDF is left alone."""
    if certificate.status == Certificate.Status.ISSUED and certificate.pdf:
        raise ValidationError(_("Giấy chứng nhận này đã có tệp PDF."))
    with transaction.atomic():
        Certificate.objects.filter(pk=certificate.pk).exclude(status=Certificate.Status.ISSUED).update(
            status=Certificate.Status.PENDING, error=""
        )
        transaction.on_commit(partial(_enqueue_render, certificate.pk), robust=True)
    certificate.refresh_from_db()
    return certificate


def certificates_enqueue_unrendered() -> int:
    """Send a render task for every certificate still without its PDF (after
    a broker outage); returns how many."""
    ids = list(Certificate.objects.exclude(status=Certificate.Status.ISSUED).values_list("pk", flat=True))
    for pk in ids:
        _enqueue_render(pk)
    return len(ids)


# --- revoking ----------------------------------------------------------------


def certificate_revoke(*, certificate: Certificate, reason: str) -> Certificate:
    """Revoke ``certificate`` today (Asia/Ho_Chi_Minh), with a reason. A
    certificate already revoked keeps its first date and reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Cần ghi lý do thu hồi."))
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.revoked_on is not None:
            return certificate
        certificate.revoked_on = max(timezone.localdate(), certificate.issued_on)
        certificate.revoked_reason = reason
        certificate.save(update_fields=["revoked_on", "revoked_reason"])
    logger.info("certificate %s revoked: %s", certificate.serial, reason)
    return certificate


# --- bulk issuing ------------------------------------------------------------

# A bulk job issues this many certificates per transaction (one lock of the
# year's serial counter, one insert), and saves its progress after each.
BULK_BATCH = 100


def bulk_issue_start(
    *,
    course: CoursePage | None = None,
    session: TrainingSession | None = None,
    requested_by: User | None = None,
) -> BulkIssue:
    """Queue a background job issuing a certificate to everyone who completed
    ``course`` or attended ``session``."""
    if (course is None) == (session is None):
        raise ValidationError(_("Chọn đúng một khóa học hoặc một lớp tập huấn."))
    with transaction.atomic():
        job = BulkIssue.objects.create(course=course, session=session, requested_by=requested_by)
        transaction.on_commit(partial(_enqueue_bulk, job.pk), robust=True)
    return job


def _enqueue_bulk(job_id: int) -> None:
    from certificates.tasks import run_bulk_issue

    run_bulk_issue.delay(job_id)


def bulk_issue_run(*, job_id: int) -> BulkIssue:
    """Issue the job's certificates in batches, saving progress (done/total,
    errors) after each. Those who already hold one are counted done. When a
    batch cannot be written at once, its people are issued one by one, so
    that one person's error is recorded and the job goes on. Running a job
    again does no harm."""
    job = BulkIssue.objects.select_related("course", "session", "requested_by").get(pk=job_id)
    completions = (
        Completion.objects.filter(course=job.course)
        if job.course_id
        else Completion.objects.filter(session=job.session)
    )
    rows = list(completions.select_related("person").order_by("person__full_name", "person_id"))
    job.status, job.total, job.done, job.created, job.errors = BulkIssue.Status.RUNNING, len(rows), 0, 0, []
    job.started_at, job.finished_at = timezone.now(), None
    job.save(update_fields=["status", "total", "done", "created", "errors", "started_at", "finished_at"])
    template = certificate_template_for(course=job.course, session=job.session)
    for start in range(0, len(rows), BULK_BATCH):
        batch = rows[start : start + BULK_BATCH]
        try:
            job.created += _issue_batch(job, batch, template)
        except Exception:  # noqa: BLE001 - the batch is retried person by person below
            logger.warning("bulk issue %s: batch at %s issued one by one", job.pk, start, exc_info=True)
            for completion in batch:
                job.created += _issue_one(job, completion)
        job.done = start + len(batch)
        job.save(update_fields=["done", "created", "errors"])
    job.status, job.finished_at = BulkIssue.Status.DONE, timezone.now()
    job.save(update_fields=["status", "done", "created", "errors", "finished_at"])
    return job


def _held(job: BulkIssue, person_ids: list[int]) -> set[int]:
    return set(
        Certificate.objects.filter(
            course=job.course, session=job.session, person_id__in=person_ids
        ).values_list("person_id", flat=True)
    )


def _issue_batch(job: BulkIssue, batch: list[Completion], template: CertificateTemplate) -> int:
    """Issue to those of ``batch`` who hold no certificate yet, in one
    transaction: the counters of the years concerned are locked (in order),
    serials taken in the batch's order, rows inserted together. Returns how
    many were issued."""
    person_ids = [c.person_id for c in batch]
    starts: dict[int, date] = {}
    if job.course_id:
        for person_id, enrolled_at in Enrollment.objects.filter(
            course=job.course, user__person_id__in=person_ids
        ).values_list("user__person_id", "enrolled_at"):
            starts.setdefault(person_id, timezone.localdate(enrolled_at))
    with transaction.atomic():
        due = [c for c in batch if c.person_id not in _held(job, person_ids)]
        counters = {year: _lock_counter(year) for year in sorted({c.completed_on.year for c in due})}
        certificates = []
        for completion in due:
            counter = counters[completion.completed_on.year]
            counter.last += 1
            certificates.append(
                _new_certificate(
                    person=completion.person,
                    course=job.course,
                    session=job.session,
                    template=template,
                    number=counter.last,
                    issued_on=completion.completed_on,
                    issued_by=job.requested_by,
                    course_start=starts.get(completion.person_id),
                )
            )
        for counter in counters.values():
            counter.save(update_fields=["last"])
        Certificate.objects.bulk_create(certificates)
        ids = [c.pk for c in certificates]
        transaction.on_commit(partial(_enqueue_renders, ids), robust=True)
    return len(certificates)


def _issue_one(job: BulkIssue, completion: Completion) -> int:
    """Issue to one person of a job, recording her error on the job."""
    try:
        with transaction.atomic():
            held = Certificate.objects.filter(
                course=job.course, session=job.session, person_id=completion.person_id
            ).exists()
        if held:
            return 0
        certificate_issue(
            person=completion.person,
            course=job.course,
            session=job.session,
            issued_on=completion.completed_on,
            issued_by=job.requested_by,
        )
    except Exception as exc:  # noqa: BLE001 - one person's failure must not stop the job
        logger.exception("bulk issue %s: %s", job.pk, completion.person.code)
        job.errors.append(
            {"person": completion.person.code, "name": completion.person.full_name, "message": str(exc)}
        )
        return 0
    return 1


def bulk_issue_mark_failed(*, job_id: int, error: str) -> None:
    job = BulkIssue.objects.filter(pk=job_id).first()
    if job is None:
        return
    job.status, job.finished_at = BulkIssue.Status.FAILED, timezone.now()
    job.errors = [*(job.errors or []), {"person": "", "name": "", "message": error[:1000]}]
    job.save(update_fields=["status", "finished_at", "errors"])
