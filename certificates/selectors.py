"""Reads of the certificates app, and the one place where who may see or
download a certificate is decided.

An official sees a certificate when its holder is in her scope: the
person's own administrative unit lies in the official's unit (or below), or
the person holds a role (current or past) in a cooperative whose unit does.
Admins see all; a learner sees her own (through the account's person).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from certificates.models import BulkIssue, Certificate
from lms.registry.models import Affiliation, User


def certificate_by_code(*, code: str) -> Certificate | None:
    """The certificate a verification code names, or None."""
    if not code or len(code) > 64:
        return None
    return Certificate.objects.select_related("template").filter(code=code).first()


def certificates_of_person(*, person_id: int | None) -> QuerySet[Certificate]:
    if not person_id:
        return Certificate.objects.none()
    return Certificate.objects.filter(person_id=person_id).order_by("-issued_on", "-serial")


def _scope_filter(scope) -> Q:
    in_coop = Affiliation.objects.filter(
        person_id=OuterRef("person_id"), cooperative__org_unit__path__startswith=scope.path
    )
    return Q(person__org_unit__path__startswith=scope.path) | Q(Exists(in_coop))


def certificates_visible_to(*, user: User) -> QuerySet[Certificate]:
    """The certificates ``user`` may list in the admin and export: all for
    admins and trainers (who issue them), those in scope for an official,
    none for anyone else."""
    if not user.is_authenticated:
        return Certificate.objects.none()
    if user.is_admin_role or user.is_trainer:
        return Certificate.objects.all()
    if user.is_official and user.scope_id:
        return Certificate.objects.filter(_scope_filter(user.scope))
    return Certificate.objects.none()


def can_download(*, user: User, certificate: Certificate) -> bool:
    """The holder (not once revoked), an admin, or an official in scope."""
    if not user.is_authenticated:
        return False
    if user.is_admin_role:
        return True
    if user.person_id and user.person_id == certificate.person_id:
        return certificate.revoked_on is None
    if user.is_official and user.scope_id:
        return Certificate.objects.filter(_scope_filter(user.scope), pk=certificate.pk).exists()
    return False


def certificate_for_download(*, user: User, pk: int) -> Certificate:
    """The certificate ``pk`` with its PDF, if ``user`` may download it;
    otherwise 404, so that nobody learns which certificates exist."""
    certificate = Certificate.objects.filter(pk=pk).first()
    if certificate is None or not can_download(user=user, certificate=certificate):
        raise Http404(_("Không tìm thấy giấy chứng nhận."))
    if certificate.status != Certificate.Status.ISSUED or not certificate.pdf:
        raise Http404(_("Tệp PDF của giấy chứng nhận này chưa được tạo xong."))
    return certificate


def bulk_issues_visible_to(*, user: User) -> QuerySet[BulkIssue]:
    if not user.is_authenticated:
        return BulkIssue.objects.none()
    if user.is_admin_role:
        return BulkIssue.objects.all()
    return BulkIssue.objects.filter(requested_by=user)
