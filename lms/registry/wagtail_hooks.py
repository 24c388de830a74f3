"""Admin screens of the registry (menu "Sổ đăng ký"): units, cooperatives,
people, their roles, Union cadres, the Excel import and accounts.

An official sees and edits only the rows of her scope (``admin_views.ScopedMixin``
and ``forms.ScopedRegistryForm``); accounts are for admins only.
"""

from __future__ import annotations

import django_filters
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from lms.registry import admin_views
from lms.registry.forms import AccountForm, OrgUnitForm, PersonForm, ScopedRegistryForm
from lms.registry.models import Affiliation, CadrePosition, Cooperative, OrgUnit, Person, Role, User
from lms.registry.selectors import (
    affiliations_visible_to,
    cadres_visible_to,
    can_manage_registry,
    cooperatives_visible_to,
    org_units_visible_to,
    people_visible_to,
)


class RegistryMenuItem(MenuItem):
    def is_shown(self, request):
        return bool(can_manage_registry(request.user))


class AdminOnlyMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_authenticated and request.user.is_admin_role


def _units_for(request):
    if request is None:
        return OrgUnit.objects.none()
    return org_units_visible_to(user=request.user).order_by("path")


def within_filter(unit_field: str) -> django_filters.ModelChoiceFilter:
    """ "Thuộc địa bàn": rows of the chosen unit and every unit below it."""

    def filter_within(queryset, name, unit):
        if unit is None:
            return queryset
        prefix = f"{unit_field}__" if unit_field else ""
        return queryset.filter(**{f"{prefix}path__startswith": unit.path})

    return django_filters.ModelChoiceFilter(
        label=_("Thuộc địa bàn"), queryset=_units_for, method=filter_within
    )


class OrgUnitFilterSet(WagtailFilterSet):
    within = within_filter("")

    class Meta:
        model = OrgUnit
        fields = ["level"]


class CooperativeFilterSet(WagtailFilterSet):
    within = within_filter("org_unit")

    class Meta:
        model = Cooperative
        fields = ["kind", "women_led"]


class PersonFilterSet(WagtailFilterSet):
    within = within_filter("org_unit")

    class Meta:
        model = Person
        fields = ["gender"]


class AffiliationFilterSet(WagtailFilterSet):
    role = django_filters.MultipleChoiceFilter(label=_("Chức vụ"), choices=Role.choices)
    within = within_filter("cooperative__org_unit")

    class Meta:
        model = Affiliation
        fields = ["stable_job"]


class CadreFilterSet(WagtailFilterSet):
    within = within_filter("org_unit")

    class Meta:
        model = CadrePosition
        fields = ["supports_cooperatives"]


class RegistryViewSet(ModelViewSet):
    """A registry model's screens, limited to the editor's scope."""

    visible = None  # selector (user=) -> QuerySet, set by each subclass
    add_to_reference_index = False  # bulk imports bypass the index; it would mislead
    copy_view_enabled = False
    list_per_page = 50
    index_view_class = admin_views.ScopedIndexView
    add_view_class = admin_views.ScopedCreateView
    edit_view_class = admin_views.ScopedEditView
    delete_view_class = admin_views.ScopedDeleteView
    history_view_class = admin_views.ScopedHistoryView
    usage_view_class = admin_views.ScopedUsageView

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(visible=type(self).visible, **kwargs)

    @property
    def menu_item_class(self):
        return RegistryMenuItem


class OrgUnitViewSet(RegistryViewSet):
    model = OrgUnit
    name = "registry_org_units"
    url_prefix = "registry/units"
    icon = "site"
    visible = staticmethod(org_units_visible_to)
    search_fields = ["code", "name"]
    filterset_class = OrgUnitFilterSet
    ordering = ["path"]
    list_display = ["name", "code", "level", Column("parent", label=_("Cấp trên"))]
    edit_handler = ObjectList(
        [FieldRowPanel([FieldPanel("code"), FieldPanel("name")]), FieldPanel("level"), FieldPanel("parent")],
        base_form_class=OrgUnitForm,
    )


class CooperativeViewSet(RegistryViewSet):
    model = Cooperative
    name = "registry_cooperatives"
    url_prefix = "registry/cooperatives"
    icon = "group"
    visible = staticmethod(cooperatives_visible_to)
    search_fields = ["code", "name"]
    filterset_class = CooperativeFilterSet
    ordering = ["name"]
    list_display = ["name", "code", "kind", Column("org_unit", label=_("Địa bàn")), "women_led"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("code"), FieldPanel("name")]),
            FieldRowPanel([FieldPanel("kind"), FieldPanel("org_unit")]),
            FieldRowPanel([FieldPanel("women_led"), FieldPanel("established")]),
            FieldPanel("sector"),
        ],
        base_form_class=ScopedRegistryForm,
    )


class PersonViewSet(RegistryViewSet):
    model = Person
    name = "registry_people"
    url_prefix = "registry/people"
    icon = "user"
    visible = staticmethod(people_visible_to)
    search_fields = ["code", "full_name", "phone"]
    filterset_class = PersonFilterSet
    ordering = ["full_name", "code"]
    list_display = ["full_name", "code", "gender", "birth_year", Column("org_unit", label=_("Địa bàn"))]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("code"), FieldPanel("full_name")]),
            FieldRowPanel([FieldPanel("gender"), FieldPanel("birth_year")]),
            FieldRowPanel([FieldPanel("phone"), FieldPanel("org_unit")]),
        ],
        base_form_class=PersonForm,
    )


class AffiliationViewSet(RegistryViewSet):
    model = Affiliation
    name = "registry_affiliations"
    url_prefix = "registry/affiliations"
    icon = "tag"
    visible = staticmethod(affiliations_visible_to)
    search_fields = ["person__full_name", "person__code", "cooperative__name", "cooperative__code"]
    filterset_class = AffiliationFilterSet
    ordering = ["person__full_name", "cooperative__name", "role"]
    list_display = [
        Column("person", label=_("Người")),
        Column("cooperative", label=_("HTX / THT")),
        "role",
        Column("start_date", label=_("Từ ngày"), sort_key="start_date"),
        Column("end_date", label=_("Đến ngày")),
        "stable_job",
    ]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("person"), FieldPanel("cooperative")]),
            FieldPanel("role"),
            FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
            FieldPanel("stable_job"),
        ],
        base_form_class=ScopedRegistryForm,
    )


class CadreViewSet(RegistryViewSet):
    model = CadrePosition
    name = "registry_cadres"
    url_prefix = "registry/cadres"
    icon = "user"
    visible = staticmethod(cadres_visible_to)
    search_fields = ["person__full_name", "person__code", "position"]
    filterset_class = CadreFilterSet
    ordering = ["person__full_name"]
    list_display = [
        Column("person", label=_("Người")),
        "position",
        Column("org_unit", label=_("Địa bàn")),
        "supports_cooperatives",
        Column("start_date", label=_("Từ ngày"), sort_key="start_date"),
        Column("end_date", label=_("Đến ngày")),
    ]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("person"), FieldPanel("org_unit")]),
            FieldPanel("position"),
            FieldPanel("supports_cooperatives"),
            FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
        ],
        base_form_class=ScopedRegistryForm,
    )


class RegistryImportViewSet(ViewSet):
    name = "registry_import"
    url_prefix = "registry/import"
    icon = "upload"
    menu_label = _("Nhập dữ liệu từ Excel")

    @property
    def menu_item_class(self):
        return RegistryMenuItem

    def get_urlpatterns(self):
        return [path("", admin_views.RegistryImportView.as_view(), name="index")]


class AccountViewSet(ModelViewSet):
    """Accounts with their role, scope and person (admins only: officials
    hold no permission on accounts)."""

    model = User
    name = "registry_accounts"
    url_prefix = "registry/accounts"
    icon = "user"
    menu_label = _("Tài khoản")
    add_to_reference_index = False
    copy_view_enabled = False
    list_per_page = 50
    search_fields = ["username", "first_name", "last_name", "email"]
    list_filter = ["role", "is_active"]
    ordering = ["username"]
    list_display = [
        "username",
        "role",
        Column("scope", label=_("Địa bàn phụ trách")),
        Column("person", label=_("Hồ sơ cá nhân")),
        "is_active",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("username"),
            FieldRowPanel([FieldPanel("first_name"), FieldPanel("last_name")]),
            FieldPanel("email"),
            FieldRowPanel([FieldPanel("role"), FieldPanel("scope")]),
            FieldPanel("person"),
            FieldPanel("new_password"),
            FieldPanel("is_active"),
        ],
        base_form_class=AccountForm,
    )

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            queryset=User.objects.select_related("scope", "person"), **kwargs
        )

    def register_admin_url_finder(self):
        pass  # Wagtail's own user screens stay the place other admin pages link to

    @property
    def menu_item_class(self):
        return AdminOnlyMenuItem


class RegistryViewSetGroup(ViewSetGroup):
    items = (
        OrgUnitViewSet,
        CooperativeViewSet,
        PersonViewSet,
        AffiliationViewSet,
        CadreViewSet,
        RegistryImportViewSet,
        AccountViewSet,
    )
    menu_icon = "folder-open-inverse"
    menu_label = _("Sổ đăng ký")
    menu_name = "registry"
    menu_order = 200


@hooks.register("register_admin_viewset")
def register_registry_viewsets():
    return RegistryViewSetGroup()
