"""Plans, their indicators and monthly snapshots of the figures.

A plan and its indicators are data: an official adds next year's plan in the
admin. An indicator says *who* is counted (its population rule) and *what
proof* moves a person into the numerator (its evidence rule); the single SQL
computation in ``lms.coverage.computation`` reads these fields.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from content.models import Topic
from lms.registry.models import Cooperative, OrgUnit, Role


class ChoiceListField(models.JSONField):
    """A list of choice values stored as JSON, edited as checkboxes.

    An empty list means "no restriction". Plain JSON keeps it portable
    (SQLite and PostgreSQL); the computation reads the list in Python and
    turns it into an ``IN`` filter.
    """

    def __init__(self, *args, item_choices=(), **kwargs):
        self.item_choices = list(item_choices)
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        path = "lms.coverage.models.ChoiceListField"
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return forms.MultipleChoiceField(
            choices=self.item_choices,
            required=not self.blank,
            widget=forms.CheckboxSelectMultiple,
            label=self.verbose_name[:1].upper() + self.verbose_name[1:] if self.verbose_name else None,
            help_text=self.help_text,
        )

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        allowed = {str(choice) for choice, _label in self.item_choices}
        if not isinstance(value, list) or any(item not in allowed for item in value):
            raise ValidationError(_("Giá trị không hợp lệ: %(value)s"), params={"value": value})


class Plan(ClusterableModel):
    """A plan with a period, a root unit and measurable indicators."""

    code = models.CharField(_("mã"), max_length=50, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    start_date = models.DateField(_("từ ngày"))
    end_date = models.DateField(_("đến ngày"))
    root = models.ForeignKey(
        OrgUnit,
        verbose_name=_("địa bàn của kế hoạch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coverage_plans",
        help_text=_("Để trống: kế hoạch áp dụng cho toàn bộ cây địa bàn."),
    )
    description = models.TextField(_("mô tả"), blank=True)

    panels = [
        FieldPanel("code"),
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")], heading=_("Thời gian thực hiện")),
        FieldPanel("root"),
        FieldPanel("description"),
        InlinePanel("indicators", heading=_("Chỉ tiêu"), label=_("Chỉ tiêu"), min_num=1),
    ]

    class Meta:
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")
        ordering = ["-start_date", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="coverage_plan_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("Ngày kết thúc phải sau ngày bắt đầu.")})


class Indicator(Orderable, ClusterableModel):
    """One measurable target of a plan.

    Population: people with an active affiliation (or cadre position) in the
    report's unit or below, narrowed by the rule fields. Evidence: completed
    training, or a certificate not revoked, on any of ``evidence_topics``
    within the plan's period up to the report day. A count indicator counts
    the population members with the evidence (everyone when evidence is
    "none").
    """

    class Kind(models.TextChoices):
        PERCENT = "percent", _("Tỷ lệ (%)")
        COUNT = "count", _("Số người")

    class Who(models.TextChoices):
        WOMEN = "women", _("Phụ nữ")
        EVERYONE = "everyone", _("Mọi người")

    class Source(models.TextChoices):
        AFFILIATIONS = "affiliations", _("Vị trí trong HTX/THT")
        CADRES = "cadres", _("Cán bộ Hội")

    class Evidence(models.TextChoices):
        COMPLETED = "completed", _("Hoàn thành khóa học / lớp tập huấn về một trong các chủ đề")
        CERTIFIED = "certified", _("Có giấy chứng nhận về một trong các chủ đề")
        NONE = "none", _("Không cần (đếm số người)")

    # A cluster too, so that its parental many-to-many (topics) is saved with
    # it when the plan's form saves its indicators.
    plan = ParentalKey(Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("mã"), max_length=50)
    name = models.CharField(_("tên"), max_length=255)
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices, default=Kind.PERCENT)
    target = models.DecimalField(
        _("chỉ tiêu đề ra"),
        max_digits=9,
        decimal_places=1,
        validators=[MinValueValidator(0)],
        help_text=_("Phần trăm với chỉ tiêu tỷ lệ, số người với chỉ tiêu đếm."),
    )
    population_who = models.CharField(_("đối tượng"), max_length=10, choices=Who.choices, default=Who.WOMEN)
    population_source = models.CharField(
        _("nguồn"), max_length=20, choices=Source.choices, default=Source.AFFILIATIONS
    )
    roles = ChoiceListField(
        _("chức vụ"),
        item_choices=Role.choices,
        help_text=_("Chỉ với vị trí trong HTX/THT. Không chọn: mọi chức vụ."),
    )
    cooperative_kinds = ChoiceListField(
        _("loại HTX/THT"),
        item_choices=Cooperative.Kind.choices,
        help_text=_("Không chọn: cả HTX và THT."),
    )
    women_led_only = models.BooleanField(_("chỉ HTX/THT do phụ nữ tham gia quản lý"), default=False)
    stable_job_only = models.BooleanField(_("chỉ người có việc làm ổn định"), default=False)
    supports_cooperatives_only = models.BooleanField(
        _("chỉ cán bộ làm công tác hỗ trợ phát triển HTX, THT"), default=False
    )
    evidence = models.CharField(
        _("minh chứng"), max_length=10, choices=Evidence.choices, default=Evidence.COMPLETED
    )
    evidence_topics = ParentalManyToManyField(
        Topic, verbose_name=_("chủ đề"), blank=True, related_name="coverage_indicators"
    )

    panels = [
        FieldRowPanel([FieldPanel("code"), FieldPanel("kind"), FieldPanel("target")]),
        FieldPanel("name"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("population_who"), FieldPanel("population_source")]),
                FieldPanel("roles"),
                FieldPanel("cooperative_kinds"),
                FieldPanel("women_led_only"),
                FieldPanel("stable_job_only"),
                FieldPanel("supports_cooperatives_only"),
            ],
            heading=_("Tổng số (ai được tính)"),
        ),
        MultiFieldPanel(
            [FieldPanel("evidence"), FieldPanel("evidence_topics", widget=forms.CheckboxSelectMultiple)],
            heading=_("Số đạt (minh chứng)"),
        ),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        # unique_together (not a UniqueConstraint) so the admin's inline
        # formset reports a duplicate code as a form error.
        unique_together = [("plan", "code")]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    @property
    def is_percent(self) -> bool:
        return self.kind == self.Kind.PERCENT

    @property
    def from_affiliations(self) -> bool:
        return self.population_source == self.Source.AFFILIATIONS

    def clean(self):
        super().clean()
        errors = {}
        if self.kind == self.Kind.PERCENT and self.evidence == self.Evidence.NONE:
            errors["evidence"] = _("Chỉ tiêu tỷ lệ cần một minh chứng (hoàn thành hoặc chứng nhận).")
        if self.population_source == self.Source.CADRES:
            if self.roles:
                errors["roles"] = _("Chức vụ chỉ dùng cho vị trí trong HTX/THT.")
            if self.cooperative_kinds:
                errors["cooperative_kinds"] = _("Loại HTX/THT chỉ dùng cho vị trí trong HTX/THT.")
            if self.women_led_only:
                errors["women_led_only"] = _("Chỉ dùng cho vị trí trong HTX/THT.")
            if self.stable_job_only:
                errors["stable_job_only"] = _("Chỉ dùng cho vị trí trong HTX/THT.")
        elif self.supports_cooperatives_only:
            errors["supports_cooperatives_only"] = _("Chỉ dùng cho cán bộ Hội.")
        if errors:
            raise ValidationError(errors)


class Snapshot(models.Model):
    """The figures of one indicator for one unit at one month end.

    Written by the month-end task (and ``backfill_snapshots``); read by the
    trend chart. Safe to write twice: one row per indicator, unit and day.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="snapshots")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="snapshots")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="coverage_snapshots")
    as_of = models.DateField(_("tính đến ngày"))
    numerator = models.PositiveIntegerField(_("số đạt"))
    denominator = models.PositiveIntegerField(_("tổng số"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("số liệu hằng tháng")
        verbose_name_plural = _("số liệu hằng tháng")
        ordering = ["plan", "org_unit", "as_of"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "org_unit", "as_of"], name="coverage_one_snapshot_per_day"
            ),
        ]
        indexes = [models.Index(fields=["plan", "org_unit", "as_of"], name="coverage_snapshot_trend")]

    def __str__(self) -> str:
        return f"{self.indicator.code} – {self.org_unit} – {self.as_of}"


class Member(models.Model):
    """One affiliation or Union cadre position, flattened with what the
    population rules read (``lms.coverage.members``).

    Written only by database triggers on the registry's tables; never edited.
    """

    source = models.CharField(max_length=20, choices=Indicator.Source.choices)
    row_id = models.BigIntegerField()  # the affiliation's or cadre position's id
    person_id = models.BigIntegerField()
    unit_id = models.BigIntegerField(null=True)
    cooperative_id = models.BigIntegerField(null=True)
    path = models.CharField(max_length=255)
    role = models.CharField(max_length=20)
    kind = models.CharField(max_length=3)
    women_led = models.BooleanField()
    stable_job = models.BooleanField()
    supports_cooperatives = models.BooleanField()
    gender = models.CharField(max_length=1)
    start_date = models.DateField(null=True)
    end_date = models.DateField(null=True)

    wagtail_reference_index_ignore = True

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "row_id"], name="coverage_member_one_per_row")
        ]
        # With these, migration 0004 makes the covering index a report reads
        # a person range of one source through (index-only on PostgreSQL).
        indexes = [
            models.Index(fields=["cooperative_id"], name="coverage_member_cooperative"),
            models.Index(fields=["unit_id"], name="coverage_member_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.row_id}"
