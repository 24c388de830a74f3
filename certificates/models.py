"""Proof of a result: certificate templates, certificates, their serials,
their PDFs, and background bulk-issuing jobs."""

from __future__ import annotations

import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.models import PreviewableMixin

from content.models import CoursePage
from courses.models import TrainingSession
from lms.registry.models import Person


def new_verification_code() -> str:
    # 32 bytes = 256 bits of randomness, URL-safe.
    return secrets.token_urlsafe(32)


#: The placeholders a template's body may use, with what they stand for.
PLACEHOLDERS: dict[str, str] = {
    "honorific": _("Bà / Ông"),
    "holder_name": _("họ và tên người được cấp"),
    "birth_year": _("năm sinh"),
    "kind": _("“khóa học” hoặc “lớp tập huấn”"),
    "title": _("tên khóa học / lớp tập huấn"),
    "hours": _("số giờ học"),
    "start_date": _("ngày bắt đầu (dd/mm/yyyy)"),
    "end_date": _("ngày kết thúc (dd/mm/yyyy)"),
    "issued_on": _("ngày cấp (dd/mm/yyyy)"),
    "organisation": _("đơn vị cấp"),
}
PLACEHOLDER_RE = re.compile(r"\{(\w+)\}")

DEFAULT_BODY = (
    "Chứng nhận {honorific}\n"
    "{holder_name}\n"
    "Năm sinh: {birth_year}\n"
    "Đã hoàn thành {kind}\n"
    "{title}\n"
    "Thời lượng: {hours} giờ\n"
    "Thời gian: từ ngày {start_date} đến ngày {end_date}"
)
DEFAULT_TEMPLATE = {
    "name": "Mẫu mặc định",
    "heading": "GIẤY CHỨNG NHẬN",
    "parent_organisation": "Hội LHPN tỉnh An Giang",
    "organisation": "Hội Liên hiệp Phụ nữ huyện Chợ Mới",
    "place": "Chợ Mới",
    "body": DEFAULT_BODY,
    "signatory_title": "Chủ tịch",
    "signatory_name": "",
}

colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Nhập mã màu dạng #RRGGBB, ví dụ #8f1d1d."))


class CertificateTemplate(PreviewableMixin, models.Model):
    """How a certificate looks: wording, signatory, images, colours and paper.

    The body is plain text, one paragraph per line, with placeholders such as
    ``{holder_name}``. A line that is only ``{holder_name}`` or ``{title}`` is
    set large; a line whose placeholder has no value (a person without a
    birth year, a session without hours) is left out.
    """

    class Border(models.TextChoices):
        CLASSIC = "classic", _("Khung kép, góc trang trí")
        DOUBLE = "double", _("Khung viền đôi")
        SIMPLE = "simple", _("Khung đơn")

    class Paper(models.TextChoices):
        A4_LANDSCAPE = "a4_landscape", _("A4 ngang")
        A4_PORTRAIT = "a4_portrait", _("A4 dọc")

    name = models.CharField(_("tên mẫu"), max_length=100)
    is_default = models.BooleanField(
        _("mẫu mặc định"),
        default=False,
        help_text=_("Dùng cho mọi khóa học và lớp tập huấn chưa được gán mẫu riêng."),
    )
    show_national_motto = models.BooleanField(
        _("in Quốc hiệu, Tiêu ngữ"),
        default=True,
        help_text=_("“CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM – Độc lập - Tự do - Hạnh phúc” ở đầu trang."),
    )
    parent_organisation = models.CharField(
        _("cơ quan chủ quản"), max_length=150, blank=True, help_text=_("Ví dụ: Hội LHPN tỉnh An Giang.")
    )
    organisation = models.CharField(
        _("đơn vị cấp"), max_length=150, help_text=_("Ví dụ: Hội Liên hiệp Phụ nữ huyện Chợ Mới.")
    )
    place = models.CharField(
        _("địa danh"),
        max_length=80,
        blank=True,
        help_text=_("In trước ngày cấp: “Chợ Mới, ngày … tháng … năm …”."),
    )
    heading = models.CharField(_("tiêu đề"), max_length=100, default="GIẤY CHỨNG NHẬN")
    body = models.TextField(
        _("nội dung"),
        default=DEFAULT_BODY,
        help_text=_(
            "Mỗi dòng là một đoạn. Chỗ điền: {honorific} {holder_name} {birth_year} {kind} {title} "
            "{hours} {start_date} {end_date} {issued_on} {organisation}. Dòng chỉ có {holder_name} "
            "hoặc {title} được in cỡ lớn; dòng có chỗ điền không có giá trị thì được bỏ qua."
        ),
    )
    signatory_title = models.CharField(_("chức danh người ký"), max_length=100, default="Chủ tịch")
    signatory_name = models.CharField(_("họ tên người ký"), max_length=100, blank=True)
    signature = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("chữ ký (ảnh)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("biểu trưng (logo)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    primary_colour = models.CharField(
        _("màu chính"), max_length=7, default="#8f1d1d", validators=[colour_validator]
    )
    accent_colour = models.CharField(
        _("màu viền phụ"), max_length=7, default="#b8872b", validators=[colour_validator]
    )
    border = models.CharField(_("kiểu khung"), max_length=20, choices=Border.choices, default=Border.CLASSIC)
    paper = models.CharField(_("khổ giấy"), max_length=20, choices=Paper.choices, default=Paper.A4_LANDSCAPE)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("is_default")]),
        MultiFieldPanel(
            [
                FieldPanel("show_national_motto"),
                FieldPanel("parent_organisation"),
                FieldPanel("organisation"),
                FieldPanel("place"),
                FieldPanel("logo"),
            ],
            heading=_("Đơn vị cấp"),
        ),
        MultiFieldPanel([FieldPanel("heading"), FieldPanel("body")], heading=_("Nội dung")),
        MultiFieldPanel(
            [FieldPanel("signatory_title"), FieldPanel("signatory_name"), FieldPanel("signature")],
            heading=_("Người ký"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("primary_colour"), FieldPanel("accent_colour")]),
                FieldRowPanel([FieldPanel("border"), FieldPanel("paper")]),
            ],
            heading=_("Trình bày"),
        ),
    ]

    class Meta:
        verbose_name = _("mẫu giấy chứng nhận")
        verbose_name_plural = _("mẫu giấy chứng nhận")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="one_default_certificate_template",
                violation_error_message=_("Đã có một mẫu mặc định: bỏ chọn “mẫu mặc định” ở mẫu đó trước."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        unknown = sorted(
            {name for name in PLACEHOLDER_RE.findall(self.body or "") if name not in PLACEHOLDERS}
        )
        if unknown:
            raise ValidationError(
                {
                    "body": _("Không có chỗ điền %(unknown)s. Dùng được: %(known)s.")
                    % {
                        "unknown": ", ".join("{" + n + "}" for n in unknown),
                        "known": ", ".join("{" + n + "}" for n in PLACEHOLDERS),
                    }
                }
            )

    # Wagtail's live preview shows the real PDF for a sample holder.
    @property
    def preview_modes(self):
        return [("", _("PDF mẫu"))]

    def serve_preview(self, request, mode_name):
        from django.http import HttpResponse

        from certificates.rendering import render_template_sample

        response = HttpResponse(render_template_sample(template=self), content_type="application/pdf")
        response["Content-Disposition"] = 'inline; filename="mau-giay-chung-nhan.pdf"'
        return response


class CourseCertificateTemplate(models.Model):
    """The template chosen for one course (and for the sessions that teach
    it); courses without one use the default template."""

    course = models.OneToOneField(
        CoursePage,
        verbose_name=_("khóa học"),
        on_delete=models.CASCADE,
        related_name="certificate_template_choice",
    )
    template = models.ForeignKey(
        CertificateTemplate,
        verbose_name=_("mẫu giấy chứng nhận"),
        on_delete=models.CASCADE,
        related_name="course_choices",
    )

    class Meta:
        verbose_name = _("mẫu theo khóa học")
        verbose_name_plural = _("mẫu theo khóa học")
        ordering = ["course__title"]

    def __str__(self) -> str:
        return f"{self.course} → {self.template}"


class SerialCounter(models.Model):
    """The last serial number used per year; locked while issuing so that
    serials have no gaps and no duplicates."""

    # Many rows, never content: kept out of Wagtail's reference index, whose
    # update would run on every save.
    wagtail_reference_index_ignore = True

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Certificate(models.Model):
    """One person's proof of one finished course or session.

    The holder's name, the title, the hours and the dates are copied at issue
    time, so that later edits to the registry or the course change no
    certificate. ``status`` follows the PDF: pending → rendering → issued,
    or failed with ``error``. A certificate is valid from the moment it is
    issued until it is revoked, whatever its PDF's status.
    """

    # Many rows, never content: kept out of Wagtail's reference index, whose
    # update would run on every save.
    wagtail_reference_index_ignore = True

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
    template = models.ForeignKey(
        CertificateTemplate,
        verbose_name=_("mẫu"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    serial = models.CharField(_("số hiệu"), max_length=20, unique=True)
    code = models.CharField(
        _("mã xác thực"), max_length=64, unique=True, default=new_verification_code, editable=False
    )
    title = models.CharField(_("tên khóa học / lớp"), max_length=255)
    holder_name = models.CharField(_("họ và tên"), max_length=255)
    hours = models.DecimalField(_("số giờ học"), max_digits=5, decimal_places=1, null=True, blank=True)
    start_date = models.DateField(_("ngày bắt đầu"), null=True, blank=True)
    end_date = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    issued_on = models.DateField(_("ngày cấp"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người cấp"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, default=Status.PENDING)
    pdf = models.FileField(_("tệp PDF"), upload_to="certificates/%Y/", blank=True)
    rendered_at = models.DateTimeField(_("tạo tệp lúc"), null=True, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    revoked_on = models.DateField(_("ngày thu hồi"), null=True, blank=True)
    revoked_reason = models.TextField(_("lý do thu hồi"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

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
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | Q(revoked_on__gte=models.F("issued_on")),
                name="certificate_revoked_after_issue",
            ),
            models.CheckConstraint(
                condition=~Q(status="issued") | ~Q(pdf=""),
                name="issued_certificate_has_pdf",
            ),
        ]
        indexes = [models.Index(fields=["issued_on"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.serial} – {self.holder_name}"

    @property
    def revoked(self) -> bool:
        return self.revoked_on is not None

    @property
    def is_valid(self) -> bool:
        return self.revoked_on is None

    def get_verify_path(self) -> str:
        from django.urls import reverse

        return reverse("certificates:verify", args=[self.code])

    def get_verify_url(self) -> str:
        return f"{settings.SITE_URL}{self.get_verify_path()}"


class BulkIssue(models.Model):
    """A background job issuing certificates to everyone who completed a
    course or attended a session. The task updates ``done``/``total`` as it
    goes; re-running a job (or starting another for the same course) is safe
    because issuing is idempotent."""

    # Many rows, never content: kept out of Wagtail's reference index, whose
    # update would run on every save.
    wagtail_reference_index_ignore = True

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang cấp")
        DONE = "done", _("Xong")
        FAILED = "failed", _("Lỗi")

    course = models.ForeignKey(
        CoursePage,
        verbose_name=_("khóa học"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    session = models.ForeignKey(
        TrainingSession,
        verbose_name=_("lớp tập huấn"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người yêu cầu"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("tổng số"), default=0)
    done = models.PositiveIntegerField(_("đã xử lý"), default=0)
    created = models.PositiveIntegerField(_("cấp mới"), default=0)
    errors = models.JSONField(_("lỗi"), default=list, blank=True)
    created_at = models.DateTimeField(_("yêu cầu lúc"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("đợt cấp hàng loạt")
        verbose_name_plural = _("cấp hàng loạt")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(course__isnull=False) & Q(session__isnull=True))
                | (Q(course__isnull=True) & Q(session__isnull=False)),
                name="bulk_issue_course_xor_session",
            ),
            models.CheckConstraint(condition=Q(done__lte=models.F("total")), name="bulk_issue_done_le_total"),
        ]

    def __str__(self) -> str:
        return str(self.course or self.session)

    @property
    def target_title(self) -> str:
        return (self.course or self.session).title

    @property
    def error_count(self) -> int:
        return len(self.errors or [])
