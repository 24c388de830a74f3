"""Forms of the admin screens (sessions, attendance, bulk enrolment, import)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from content.models import CoursePage
from courses.selectors import cooperatives_visible_to, learning_scope, units_visible_to
from lms.registry.models import Role


class TrainingSessionForm(WagtailAdminModelForm):
    """Sessions: an official picks a unit within her scope (required for
    her, so that the session stays visible to her); the course is one of
    the published courses; an empty end date means a one-day session."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if "org_unit" in self.fields and user is not None:
            self.fields["org_unit"].queryset = units_visible_to(user=user)
            if learning_scope(user) is not None:
                self.fields["org_unit"].required = True
        if "course" in self.fields:
            self.fields["course"].queryset = CoursePage.objects.live().order_by("title")
        if "end_date" in self.fields:
            self.fields["end_date"].required = False
            self.fields["end_date"].help_text = _("Để trống nếu lớp học trong một ngày.")

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and not end:
            data["end_date"] = start
            self.instance.end_date = start
        elif start and end and end < start:
            self.add_error("end_date", _("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."))
        return data


class PeopleFilterForm(forms.Form):
    """Narrow the registry to the people a trainer is looking for."""

    q = forms.CharField(label=_("Tìm theo tên hoặc mã"), required=False)
    cooperative = forms.ModelChoiceField(label=_("HTX / THT"), queryset=None, required=False)
    org_unit = forms.ModelChoiceField(label=_("Địa bàn"), queryset=None, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cooperative"].queryset = cooperatives_visible_to(user=user).order_by("name")
        self.fields["org_unit"].queryset = units_visible_to(user=user).order_by("path")


class BulkEnrolForm(forms.Form):
    course = forms.ModelChoiceField(label=_("Khóa học"), queryset=CoursePage.objects.none())
    org_unit = forms.ModelChoiceField(
        label=_("Địa bàn"),
        queryset=None,
        required=False,
        help_text=_(
            "Người ở địa bàn này và các địa bàn trực thuộc (theo nơi ở, vị trí trong HTX/THT hoặc cán bộ Hội)."
        ),
    )
    cooperative = forms.ModelChoiceField(label=_("HTX / THT"), queryset=None, required=False)
    role = forms.ChoiceField(
        label=_("Chức vụ trong HTX/THT"),
        choices=[("", _("Mọi chức vụ")), ("managers", _("Các chức vụ quản lý")), *Role.choices],
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = CoursePage.objects.live().order_by("title")
        self.fields["cooperative"].queryset = cooperatives_visible_to(user=user).order_by("name")
        self.fields["org_unit"].queryset = units_visible_to(user=user).order_by("path")
        self.scoped = learning_scope(user) is not None

    def clean(self):
        data = super().clean()
        if not data.get("org_unit") and not data.get("cooperative") and not data.get("role"):
            if self.scoped:
                return data  # the official's whole scope
            raise forms.ValidationError(_("Chọn ít nhất một địa bàn, một HTX/THT hoặc một chức vụ."))
        return data


IMPORT_MAX_BYTES = 20 * 1024 * 1024


class AttendanceImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp điểm danh (.xlsx hoặc .csv)"),
        help_text=_(
            "Trang tính sessions (lớp tập huấn) và attendance (điểm danh); hoặc một tệp sessions.csv / attendance.csv."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn (tối đa 20 MB)."))
        return upload
