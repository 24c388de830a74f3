"""Forms of the registry's admin screens."""

from __future__ import annotations

import os

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from lms.registry.models import OrgUnit, Person, User
from lms.registry.roles import account_sync_groups
from lms.registry.selectors import (
    cooperatives_visible_to,
    org_units_visible_to,
    people_visible_to,
    user_scope,
)

IMPORT_EXTENSIONS = (".xlsx", ".csv")
IMPORT_MAX_BYTES = 20 * 1024 * 1024

# Foreign keys an official may only point at rows of her scope.
SCOPED_CHOICES = {
    "org_unit": org_units_visible_to,
    "parent": org_units_visible_to,
    "scope": org_units_visible_to,
    "cooperative": cooperatives_visible_to,
    "person": people_visible_to,
}


class ScopedRegistryForm(WagtailAdminModelForm):
    """Limits the foreign-key choices to the editor's scope.

    The value the row already has stays selectable (an affiliation of a
    cooperative in her scope may belong to a person living elsewhere), so
    saving an unrelated change never fails; anything else outside the scope
    is refused as an invalid choice, also when forged in the POST.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        person = self.fields.get("person")
        if isinstance(person, forms.ModelChoiceField):
            person.label_from_instance = lambda p: f"{p.full_name} ({p.code})"
        user = self.for_user
        if user is None or user_scope(user) is None:
            return  # admins choose among all rows
        scope = user_scope(user)
        for name, field in self.fields.items():
            visible = SCOPED_CHOICES.get(name)
            if visible is None or not isinstance(field, forms.ModelChoiceField):
                continue
            current = getattr(self.instance, f"{name}_id", None)
            queryset = field.queryset.filter(pk__in=visible(user=user).values("pk"))
            if current is not None:
                queryset = field.queryset.filter(Q(pk__in=visible(user=user).values("pk")) | Q(pk=current))
            field.queryset = queryset
            if name in ("org_unit", "parent"):
                # An official's rows must stay inside her scope: no root
                # unit, no person without a unit.
                field.required = True
                if name == "parent" and self.instance.pk == scope.pk:
                    field.disabled = True
                    field.help_text = _("Địa bàn bạn phụ trách không đổi được cấp trên.")


class OrgUnitForm(ScopedRegistryForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parent = self.fields.get("parent")
        if parent is not None and self.instance.pk and self.instance.path:
            # Not itself, not one of its own children.
            parent.queryset = parent.queryset.exclude(path__startswith=self.instance.path)


class PersonForm(ScopedRegistryForm):
    pass


class AccountForm(WagtailAdminModelForm):
    """An account as the admin edits it: role, scope and person, and a new
    password (required for a new account, optional when editing)."""

    new_password = forms.CharField(
        label=_("Mật khẩu mới"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Để trống nếu không đổi mật khẩu."),
    )

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "role", "scope", "person", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["new_password"].required = True
            self.fields["new_password"].help_text = ""
        self.fields["person"].queryset = Person.objects.select_related("org_unit")
        self.fields["scope"].queryset = OrgUnit.objects.all()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == User.AccountRole.OFFICIAL and not cleaned.get("scope"):
            self.add_error("scope", _("Tài khoản cán bộ quản lý phải có địa bàn phụ trách."))
        password = cleaned.get("new_password")
        if password:
            try:
                validate_password(password, self.instance)
            except forms.ValidationError as exc:
                self.add_error("new_password", exc)
        return cleaned

    def save(self, commit=True):
        user = super().save(commit=False)
        if self.cleaned_data.get("new_password"):
            user.set_password(self.cleaned_data["new_password"])
        if commit:
            user.save()
            self.save_m2m()
            account_sync_groups(user=user)
        return user


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp Excel (.xlsx) hoặc CSV"),
        help_text=_(
            "Các trang tính: org_units, cooperatives, people, affiliations, cadres (có thể thiếu trang). "
            "Tệp .csv chứa một trang, đặt tên theo trang đó, ví dụ people.csv."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        extension = os.path.splitext(upload.name)[1].lower()
        if extension not in IMPORT_EXTENSIONS:
            raise forms.ValidationError(_("Chỉ nhận tệp .xlsx hoặc .csv."))
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn (tối đa 20 MB)."))
        return upload
