"""Proof of a result: certificates, their serials and their PDFs."""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from content.models import CoursePage
from courses.models import TrainingSession
from lms.registry.models import Person


def new_verification_code() -> str:
    # 32 bytes = 256 bits of randomness, URL-safe.
    return secrets.token_urlsafe(32)


class SerialCounter(models.Model):
    """The last serial number used per year; locked while issuing so that
    serials have no gaps and no duplicates."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Certificate(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ tạo tệp")
        RENDERING = "rendering", _("Đang tạo tệp")
        ISSUED = "issued", _("Đã cấp")
        FAILED = "failed", _("Lỗi tạo tệp")

    person = models.ForeignKey(
        Person, verbose_name=_("người được cấp"), on_delete=models.PROTECT, related_name="certificates"
    )
    course = models.ForeignKey(
        CoursePage,
        verbose_name=_("khóa học"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    session = models.ForeignKey(
        TrainingSession,
        verbose_name=_("lớp tập huấn"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    serial = models.CharField(_("số hiệu"), max_length=20, unique=True)
    code = models.CharField(max_length=64, unique=True, default=new_verification_code, editable=False)
    title = models.CharField(_("tên khóa học / lớp"), max_length=255)
    holder_name = models.CharField(_("họ và tên"), max_length=255)
    issued_on = models.DateField(_("ngày cấp"))
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, default=Status.PENDING)
    pdf = models.FileField(_("tệp PDF"), upload_to="certificates/%Y/", blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    revoked_on = models.DateField(_("ngày thu hồi"), null=True, blank=True)
    revoked_reason = models.TextField(_("lý do thu hồi"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("giấy chứng nhận")
        verbose_name_plural = _("giấy chứng nhận")
        ordering = ["-issued_on", "-serial"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(course__isnull=False) & Q(session__isnull=True))
                | (Q(course__isnull=True) & Q(session__isnull=False)),
                name="certificate_course_xor_session",
            ),
            models.UniqueConstraint(fields=["person", "course"], name="one_certificate_per_course"),
            models.UniqueConstraint(fields=["person", "session"], name="one_certificate_per_session"),
        ]

    def __str__(self) -> str:
        return f"{self.serial} – {self.holder_name}"

    @property
    def revoked(self) -> bool:
        return self.revoked_on is not None
