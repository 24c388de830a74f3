"""The "Kế hoạch" screens of the Wagtail admin: an official adds next year's
plan and its indicators without code. Officials see and edit the plans of
their own unit and below; admins see all."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import ObjectList
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from lms.coverage.models import Plan
from lms.registry.models import OrgUnit


def _scope(user) -> OrgUnit | None:
    if user.is_admin_role:
        return None
    return user.scope if user.is_official and user.scope_id else OrgUnit(path="\0")


def plans_for(user):
    scope = _scope(user)
    plans = Plan.objects.select_related("root")
    if scope is None:
        return plans
    if scope.pk is None:  # neither an admin nor an official with a unit
        return plans.none()
    return plans.filter(root__path__startswith=scope.path)


class PlanAdminForm(WagtailAdminModelForm):
    """An official's plan must lie within her unit."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self, "for_user", None)
        scope = _scope(user) if user is not None else None
        if scope is not None and "root" in self.fields:
            self.fields["root"].queryset = OrgUnit.objects.filter(path__startswith=scope.path)
            self.fields["root"].required = True


class PlanIndexView(generic.IndexView):
    def get_base_queryset(self):
        return plans_for(self.request.user)


class PlanEditView(generic.EditView):
    def get_queryset(self):
        return plans_for(self.request.user)


class PlanDeleteView(generic.DeleteView):
    def get_queryset(self):
        return plans_for(self.request.user)


class PlanHistoryView(generic.HistoryView):
    def get_base_object_queryset(self):
        return plans_for(self.request.user)


class PlanUsageView(generic.UsageView):
    def get_base_object_queryset(self):
        return plans_for(self.request.user)


class PlanViewSet(ModelViewSet):
    model = Plan
    icon = "list-ol"
    menu_label = _("Kế hoạch, chỉ tiêu")
    menu_order = 310
    add_to_admin_menu = True
    list_display = ["name", "code", "start_date", "end_date", "root"]
    search_fields = ["name", "code"]
    index_view_class = PlanIndexView
    edit_view_class = PlanEditView
    delete_view_class = PlanDeleteView
    history_view_class = PlanHistoryView
    usage_view_class = PlanUsageView
    copy_view_enabled = False
    edit_handler = ObjectList(Plan.panels, base_form_class=PlanAdminForm)


@hooks.register("register_admin_viewset")
def register_plan_viewset():
    return PlanViewSet("coverage_plans")


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.sees_reports


@hooks.register("register_admin_menu_item")
def register_report_menu_item():
    return ReportMenuItem(_("Báo cáo chỉ tiêu"), reverse("coverage:report"), icon_name="table", order=305)
