"""Admin screens of the courses app (Wagtail admin): attendance ticking,
bulk enrolment and the attendance import. Thin: a form, one selector or
service, a template."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from courses.forms import AttendanceImportForm, BulkEnrolForm, PeopleFilterForm
from courses.models import Attendance
from courses.selectors import (
    bulk_enrol_targets,
    can_manage_learning,
    people_matching,
    people_visible_to,
    sessions_visible_to,
)
from courses.services import attendance_set, enrollment_bulk_enrol
from lms.registry.admin_views import TwoStepImportView
from lms.registry.models import MANAGER_ROLES

CANDIDATES_SHOWN = 200
IMPORT_SESSION_KEY = "attendance_import_pending"
IMPORT_STORAGE_DIR = "private/attendance-imports"
SAMPLE_SHOWN = 50


class LearningAdminMixin:
    """Trainers, officials (with a scope) and admins holding ``permission``."""

    permission = ""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not (can_manage_learning(user) and (not self.permission or user.has_perm(self.permission))):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class AttendanceView(LearningAdminMixin, WagtailAdminTemplateMixin, TemplateView):
    """Tick who attended a session, picking people from the registry
    (filtered by cooperative, unit or name; an official sees only the
    people and sessions of her scope)."""

    permission = "courses.change_attendance"
    template_name = "courses/admin/attendance.html"
    header_icon = "group"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.session = None

    def get_session(self):
        if self.session is None:
            self.session = get_object_or_404(
                sessions_visible_to(user=self.request.user).select_related("course", "org_unit"),
                pk=self.kwargs["session_id"],
            )
        return self.session

    def get_page_title(self):
        return _("Điểm danh")

    def get_page_subtitle(self):
        return str(self.get_session())

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("learning_sessions:index"), "label": _("Lớp tập huấn")},
            {
                "url": reverse("learning_sessions:edit", args=[self.get_session().pk]),
                "label": str(self.session),
            },
            {"url": "", "label": _("Điểm danh")},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        session = self.get_session()
        visible = people_visible_to(user=user)
        attendees = list(
            visible.filter(attendance__session=session, attendance__attended=True).order_by(
                "full_name", "code"
            )
        )
        filters = PeopleFilterForm(self.request.GET or None, user=user)
        candidates = visible
        if filters.is_valid():
            data = filters.cleaned_data
            candidates = people_matching(user=user, unit=data["org_unit"], cooperative=data["cooperative"])
            if data["q"]:
                candidates = candidates.filter(Q(full_name__icontains=data["q"]) | Q(code__iexact=data["q"]))
        candidates = list(candidates.order_by("full_name", "code")[: CANDIDATES_SHOWN + 1])
        present_ids = {p.pk for p in attendees}
        context.update(
            session=session,
            attendees=attendees,
            filters=filters,
            candidates=candidates[:CANDIDATES_SHOWN],
            more_candidates=len(candidates) > CANDIDATES_SHOWN,
            present_ids=present_ids,
            query=self.request.GET.urlencode(),
        )
        return context

    def post(self, request, *args, **kwargs):
        session = self.get_session()
        shown = {int(v) for v in request.POST.getlist("shown") if v.isdigit()}
        ticked = {int(v) for v in request.POST.getlist("present") if v.isdigit()} & shown
        allowed = set(people_visible_to(user=request.user).filter(pk__in=shown).values_list("pk", flat=True))
        recorded = set(
            Attendance.objects.filter(session=session, person_id__in=allowed).values_list(
                "person_id", flat=True
            )
        )
        present = ticked & allowed
        absent = (allowed - ticked) & recorded
        try:
            result = attendance_set(session=session, present=present, absent=absent)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Đã lưu điểm danh: %(new)s ghi mới, %(changed)s thay đổi.")
                % {"new": result.created, "changed": result.updated},
            )
        url = reverse("learning_attendance", args=[session.pk])
        query = request.POST.get("query", "")
        return HttpResponseRedirect(f"{url}?{query}" if query else url)


class BulkEnrolView(LearningAdminMixin, WagtailAdminTemplateMixin, FormView):
    """Enrol many accounts in a course: by unit, cooperative and/or role,
    within the official's scope. Only people with an account can be
    enrolled; the page says how many matching people have none."""

    permission = "courses.add_enrollment"
    template_name = "courses/admin/bulk_enrol.html"
    form_class = BulkEnrolForm
    page_title = gettext_lazy("Đăng ký học hàng loạt")
    header_icon = "group"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def targets(self, form):
        data = form.cleaned_data
        role = data.get("role")
        roles = list(MANAGER_ROLES) if role == "managers" else ([role] if role else None)
        return bulk_enrol_targets(
            user=self.request.user,
            unit=data.get("org_unit"),
            cooperative=data.get("cooperative"),
            roles=roles,
        )

    def form_valid(self, form):
        accounts, without = self.targets(form)
        if self.request.POST.get("confirm") != "1":
            return self.render_to_response(
                self.get_context_data(
                    form=form,
                    preview=True,
                    account_count=accounts.count(),
                    sample=list(accounts[:SAMPLE_SHOWN]),
                    without_count=without.count(),
                )
            )
        result = enrollment_bulk_enrol(
            course=form.cleaned_data["course"], users=accounts, by=self.request.user
        )
        messages.success(
            self.request,
            _(
                "Đã đăng ký khóa học “%(course)s”: %(created)s tài khoản mới, %(reactivated)s đăng ký lại, "
                "%(unchanged)s đã có sẵn."
            )
            % {
                "course": form.cleaned_data["course"].title,
                "created": result.created,
                "reactivated": result.reactivated,
                "unchanged": result.unchanged,
            },
        )
        return HttpResponseRedirect(reverse("learning_bulk_enrol"))


class AttendanceImportView(LearningAdminMixin, TwoStepImportView):
    """The attendance workbook (sessions and who attended), through the same
    two-step upload page as the registry's."""

    permission = "courses.add_attendance"
    form_class = AttendanceImportForm
    page_title = gettext_lazy("Nhập điểm danh từ tệp")
    session_key = IMPORT_SESSION_KEY
    storage_dir = IMPORT_STORAGE_DIR
    index_url_name = "learning_import_attendance"

    def sheets(self):
        from courses.imports import SHEETS

        return SHEETS

    def run_import(self, source, *, filename: str, dry_run: bool = False):
        from courses.imports import import_attendance

        return import_attendance(source, filename=filename, user=self.request.user, dry_run=dry_run)
