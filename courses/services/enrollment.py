"""Enrolment: per account (``User``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from content.models import CoursePage
from courses.models import Enrollment
from courses.services.people import person_for_user
from lms.registry.models import User


def _require_live(course: CoursePage) -> None:
    if not course.live:
        raise ValidationError(_("Khóa học này chưa được xuất bản."), code="not_live")


def enrollment_enrol(*, user: User, course: CoursePage, by: User | None = None) -> tuple[Enrollment, bool]:
    """Enrol ``user`` in ``course`` (idempotent).

    Creates the enrolment, or reactivates a withdrawn one (its progress and
    attempts are kept); an active enrolment is returned unchanged. The
    account gets a registry person on first enrolment (``person_for_user``).
    Returns ``(enrollment, changed)``.
    """
    _require_live(course)
    with transaction.atomic():
        person_for_user(user=user)
        try:
            with transaction.atomic():
                enrollment, created = Enrollment.objects.select_for_update().get_or_create(
                    user=user, course=course, defaults={"enrolled_by": by if by != user else None}
                )
        except IntegrityError:
            # Another request created it between our read and our insert.
            enrollment, created = Enrollment.objects.select_for_update().get(user=user, course=course), False
        if created:
            return enrollment, True
        if enrollment.status == Enrollment.Status.WITHDRAWN:
            enrollment.status = Enrollment.Status.ACTIVE
            enrollment.withdrawn_at = None
            enrollment.save(update_fields=["status", "withdrawn_at"])
            return enrollment, True
        return enrollment, False


def enrollment_withdraw(*, enrollment: Enrollment) -> Enrollment:
    """Withdraw (unenrol). History stays: the row, its progress, attempts and
    any completion are kept, and enrolling again reactivates it."""
    with transaction.atomic():
        locked = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        if locked.status != Enrollment.Status.WITHDRAWN:
            locked.status = Enrollment.Status.WITHDRAWN
            locked.withdrawn_at = timezone.now()
            locked.save(update_fields=["status", "withdrawn_at"])
        return locked


@dataclass
class BulkEnrolResult:
    created: int = 0
    reactivated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.reactivated + self.unchanged


def enrollment_bulk_enrol(*, course: CoursePage, users: Iterable[User], by: User) -> BulkEnrolResult:
    """Enrol many accounts at once (a trainer or an official for a class).

    Set-based: one read of the existing enrolments, one bulk insert, one
    update for the withdrawn ones (reactivated). Accounts without a registry
    person get one (``person_for_user``). Callers choose ``users`` within
    their scope (``courses.selectors.people_matching``).
    """
    _require_live(course)
    users = list(users)
    result = BulkEnrolResult()
    with transaction.atomic():
        for user in users:
            if not user.person_id:
                person_for_user(user=user)
        ids = {u.pk for u in users}
        existing = dict(
            Enrollment.objects.select_for_update()
            .filter(course=course, user_id__in=ids)
            .values_list("user_id", "status")
        )
        new = sorted(ids - existing.keys())
        Enrollment.objects.bulk_create(
            [Enrollment(user_id=uid, course=course, enrolled_by=by) for uid in new], ignore_conflicts=True
        )
        withdrawn = [uid for uid, status in existing.items() if status == Enrollment.Status.WITHDRAWN]
        if withdrawn:
            Enrollment.objects.filter(course=course, user_id__in=withdrawn).update(
                status=Enrollment.Status.ACTIVE, withdrawn_at=None
            )
        result.created = len(new)
        result.reactivated = len(withdrawn)
        result.unchanged = len(existing) - len(withdrawn)
    return result
