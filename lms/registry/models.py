"""The registry: administrative units, cooperatives, people, their roles,
Union cadre positions, and accounts.

A person is not an account: most women in the registry never log in. An
account (``User``) may be linked to one person, and an official's account is
scoped to one administrative unit and everything under it.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

PATH_STEP = 10  # digits of one unit's id in the materialised path


class OrgUnit(models.Model):
    """An administrative unit (province, district, commune...).

    ``path`` is a materialised path of zero-padded ids ending with a dot
    ("0000000001.0000000007."), so the units under U are those whose path
    starts with U's path: one indexed ``LIKE 'prefix%'`` whatever the depth.
    Levels are data: the tree may be province > district > commune or, since
    2025, province > commune.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("Tỉnh")
        DISTRICT = "district", _("Huyện")
        COMMUNE = "commune", _("Xã / Thị trấn")

    code = models.CharField(_("mã"), max_length=50, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    level = models.CharField(_("cấp"), max_length=20, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=1)

    class Meta:
        verbose_name = _("địa bàn")
        verbose_name_plural = _("địa bàn")
        ordering = ["path"]
        indexes = [models.Index(fields=["path"], name="orgunit_path_like", opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        parent_path = self.parent.path if self.parent_id else ""
        path = self.path_for(self.pk, parent_path)
        depth = path.count(".")
        if path != self.path or depth != self.depth:
            from lms.registry.services import org_unit_rebuild_paths

            self.path, self.depth = path, depth
            OrgUnit.objects.filter(pk=self.pk).update(path=path, depth=depth)
            org_unit_rebuild_paths(root=self)

    @staticmethod
    def path_for(pk: int, parent_path: str = "") -> str:
        return f"{parent_path}{pk:0{PATH_STEP}d}."

    def clean(self) -> None:
        super().clean()
        # ``path`` is still the stored one: a parent whose path starts with it
        # is this unit or one below it, which would make a loop.
        if self.pk and self.parent_id and self.path and self.parent.path.startswith(self.path):
            raise ValidationError(
                {"parent": _("Không thể đặt địa bàn dưới chính nó hoặc dưới một địa bàn trực thuộc nó.")}
            )

    def is_within(self, other: OrgUnit | None) -> bool:
        """True when this unit is ``other`` or lies under it."""
        return other is not None and self.path.startswith(other.path)


class Cooperative(models.Model):
    class Kind(models.TextChoices):
        HTX = "HTX", _("Hợp tác xã (HTX)")
        THT = "THT", _("Tổ hợp tác (THT)")

    code = models.CharField(_("mã"), max_length=50, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    kind = models.CharField(_("loại"), max_length=3, choices=Kind.choices)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("địa bàn"), on_delete=models.PROTECT, related_name="cooperatives"
    )
    women_led = models.BooleanField(_("do phụ nữ tham gia quản lý"), default=True)
    established = models.DateField(_("ngày thành lập"), null=True, blank=True)
    sector = models.CharField(_("ngành nghề"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("HTX / THT")
        verbose_name_plural = _("HTX / THT")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    # Many rows, never content: kept out of Wagtail's reference index, whose
    # update would run on every save.
    wagtail_reference_index_ignore = True

    class Gender(models.TextChoices):
        FEMALE = "F", _("Nữ")
        MALE = "M", _("Nam")
        OTHER = "X", _("Khác")

    code = models.CharField(_("mã"), max_length=50, unique=True)
    full_name = models.CharField(_("họ và tên"), max_length=255)
    gender = models.CharField(_("giới tính"), max_length=1, choices=Gender.choices)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("địa bàn"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )

    class Meta:
        verbose_name = _("người")
        verbose_name_plural = _("hồ sơ cá nhân")
        ordering = ["full_name", "code"]

    def __str__(self) -> str:
        return self.full_name


class Role(models.TextChoices):
    CHAIR = "chair", _("Chủ tịch HĐQT")
    BOARD_MEMBER = "board_member", _("Thành viên HĐQT")
    DIRECTOR = "director", _("Giám đốc")
    SUPERVISOR = "supervisor", _("Thành viên Ban kiểm soát / Kiểm soát viên")
    ACCOUNTANT = "accountant", _("Kế toán")
    GROUP_LEADER = "group_leader", _("Tổ trưởng")
    MEMBER = "member", _("Thành viên")
    WORKER = "worker", _("Người lao động")


MANAGER_ROLES = (
    Role.CHAIR,
    Role.BOARD_MEMBER,
    Role.DIRECTOR,
    Role.SUPERVISOR,
    Role.ACCOUNTANT,
    Role.GROUP_LEADER,
)


class Affiliation(models.Model):
    """A person's role in a cooperative over a period (dates may be open)."""

    # Many rows, never content: kept out of Wagtail's reference index, whose
    # update would run on every save.
    wagtail_reference_index_ignore = True

    person = models.ForeignKey(
        Person, verbose_name=_("người"), on_delete=models.CASCADE, related_name="affiliations"
    )
    cooperative = models.ForeignKey(
        Cooperative,
        verbose_name=_("HTX / THT"),
        on_delete=models.CASCADE,
        related_name="affiliations",
    )
    role = models.CharField(_("chức vụ"), max_length=20, choices=Role.choices)
    start_date = models.DateField(_("từ ngày"), null=True, blank=True)
    end_date = models.DateField(_("đến ngày"), null=True, blank=True)
    stable_job = models.BooleanField(_("việc làm ổn định"), default=False)

    class Meta:
        verbose_name = _("vị trí trong HTX/THT")
        verbose_name_plural = _("vị trí trong HTX/THT")
        ordering = ["person__full_name", "cooperative__name", "role"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="affiliation_dates_ordered",
                violation_error_message=_("Ngày kết thúc phải bằng hoặc sau ngày bắt đầu."),
            ),
            # The import's key (CONTRACT §2); an open start date is one value too.
            models.UniqueConstraint(
                fields=["person", "cooperative", "role", "start_date"],
                name="affiliation_unique_start",
                violation_error_message=_("Người này đã có chức vụ này trong HTX/THT này từ cùng ngày."),
            ),
            models.UniqueConstraint(
                fields=["person", "cooperative", "role"],
                condition=Q(start_date__isnull=True),
                name="affiliation_unique_open_start",
                violation_error_message=_(
                    "Người này đã có chức vụ này trong HTX/THT này (không ghi ngày bắt đầu)."
                ),
            ),
        ]
        indexes = [models.Index(fields=["cooperative", "role"])]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_role_display()} – {self.cooperative}"


class CadrePosition(models.Model):
    """A Women's Union cadre position held by a person in a unit."""

    # Many rows, never content: kept out of Wagtail's reference index, whose
    # update would run on every save.
    wagtail_reference_index_ignore = True

    person = models.ForeignKey(
        Person, verbose_name=_("người"), on_delete=models.CASCADE, related_name="cadre_positions"
    )
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("địa bàn"), on_delete=models.PROTECT, related_name="cadre_positions"
    )
    position = models.CharField(_("chức danh"), max_length=255, blank=True)
    supports_cooperatives = models.BooleanField(_("làm công tác hỗ trợ phát triển HTX, THT"), default=False)
    start_date = models.DateField(_("từ ngày"), null=True, blank=True)
    end_date = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("cán bộ Hội")
        verbose_name_plural = _("cán bộ Hội")
        ordering = ["person__full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="cadre_dates_ordered",
                violation_error_message=_("Ngày kết thúc phải bằng hoặc sau ngày bắt đầu."),
            ),
            models.UniqueConstraint(
                fields=["person", "org_unit", "start_date"],
                name="cadre_unique_start",
                violation_error_message=_("Người này đã là cán bộ Hội ở địa bàn này từ cùng ngày."),
            ),
            models.UniqueConstraint(
                fields=["person", "org_unit"],
                condition=Q(start_date__isnull=True),
                name="cadre_unique_open_start",
                violation_error_message=_(
                    "Người này đã là cán bộ Hội ở địa bàn này (không ghi ngày bắt đầu)."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.position or _('Cán bộ Hội')} – {self.org_unit}"


class User(AbstractUser):
    """An account. ``role`` decides what it may do; officials are scoped."""

    # Many rows, never content: kept out of Wagtail's reference index, whose
    # update would run on every save.
    wagtail_reference_index_ignore = True

    class AccountRole(models.TextChoices):
        LEARNER = "learner", _("Học viên")
        TRAINER = "trainer", _("Giảng viên")
        OFFICIAL = "official", _("Cán bộ quản lý")
        ADMIN = "admin", _("Quản trị viên")

    role = models.CharField(
        _("vai trò"), max_length=20, choices=AccountRole.choices, default=AccountRole.LEARNER
    )
    scope = models.ForeignKey(
        OrgUnit,
        verbose_name=_("địa bàn phụ trách"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officials",
        help_text=_("Cán bộ quản lý chỉ xem và sửa dữ liệu của địa bàn này và các địa bàn trực thuộc."),
    )
    person = models.OneToOneField(
        Person,
        verbose_name=_("hồ sơ cá nhân"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="account",
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("tài khoản")
        verbose_name_plural = _("tài khoản")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="official") | Q(scope__isnull=False),
                name="official_has_scope",
            ),
        ]

    @property
    def is_official(self) -> bool:
        return self.role == self.AccountRole.OFFICIAL

    @property
    def is_trainer(self) -> bool:
        return self.role == self.AccountRole.TRAINER

    @property
    def is_admin_role(self) -> bool:
        return self.is_superuser or self.role == self.AccountRole.ADMIN

    @property
    def sees_reports(self) -> bool:
        """The site's menu and the admin's offer the coverage report: to an
        admin, and to an official of some unit."""
        return self.is_admin_role or (self.is_official and self.scope_id is not None)

    @property
    def sees_admin(self) -> bool:
        """The site's menu offers the admin."""
        return self.is_superuser or self.role != self.AccountRole.LEARNER
