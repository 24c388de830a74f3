"""Admin screens of the courses app (Wagtail admin): attendance ticking,
bulk enrolment and the attendance import. Thin: a form, one selector or
service, a template."""

from __future__ import annotations

import os
import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
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


class AttendanceImportView(LearningAdminMixin, WagtailAdminTemplateMixin, FormView):
    """Upload a workbook → see the dry run (counts, or every error as sheet,
    row, column, message) → confirm to import the same file, which waits in
    private storage meanwhile (its name is kept in the session, never taken
    from the form)."""

    permission = "courses.add_attendance"
    template_name = "registry/admin/import.html"  # the same two-step upload page as the registry import
    form_class = AttendanceImportForm
    page_title = gettext_lazy("Nhập điểm danh từ tệp")
    header_icon = "upload"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        from courses.imports import SHEETS

        kwargs.setdefault("form", self.get_form_class()())
        return super().get_context_data(sheets=SHEETS, **kwargs)

    def post(self, request, *args, **kwargs):
        if "confirm" in request.POST:
            return self.confirm()
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        from courses.imports import import_attendance

        upload = form.cleaned_data["file"]
        result = import_attendance(upload, filename=upload.name, user=self.request.user, dry_run=True)
        token = self._keep(upload) if result.ok else None
        return self.render_to_response(
            self.get_context_data(
                form=self.get_form_class()(), result=result, token=token, filename=upload.name
            )
        )

    def confirm(self):
        from courses.imports import import_attendance

        pending = self.request.session.get(IMPORT_SESSION_KEY) or {}
        token = self.request.POST.get("confirm", "")
        entry = pending.pop(token, None)
        self.request.session[IMPORT_SESSION_KEY] = pending
        if entry is None or not default_storage.exists(entry["path"]):
            messages.error(self.request, _("Tệp đã được nhập hoặc đã hết hạn. Hãy tải tệp lên lại."))
            return HttpResponseRedirect(reverse("learning_import_attendance"))
        try:
            with default_storage.open(entry["path"], "rb") as stored:
                data = stored.read()
        finally:
            default_storage.delete(entry["path"])
        result = import_attendance(data, filename=entry["filename"], user=self.request.user)
        if not result.ok:
            return self.render_to_response(
                self.get_context_data(result=result, token=None, filename=entry["filename"])
            )
        summary = "; ".join(
            _("%(sheet)s: %(created)d tạo mới, %(updated)d cập nhật")
            % {"sheet": sheet, "created": c.created, "updated": c.updated}
            for sheet, c in result.counts.items()
        )
        messages.success(
            self.request,
            _("Đã nhập tệp %(name)s. %(summary)s.") % {"name": entry["filename"], "summary": summary},
        )
        return HttpResponseRedirect(reverse("learning_import_attendance"))

    def _keep(self, upload) -> str:
        """Keep the upload until it is confirmed; one pending file per session."""
        pending = self.request.session.get(IMPORT_SESSION_KEY) or {}
        for old in pending.values():
            default_storage.delete(old["path"])
        token = uuid.uuid4().hex
        extension = os.path.splitext(upload.name)[1].lower()
        upload.seek(0)
        path = default_storage.save(f"{IMPORT_STORAGE_DIR}/{token}{extension}", upload)
        self.request.session[IMPORT_SESSION_KEY] = {
            token: {"path": path, "filename": os.path.basename(upload.name)}
        }
        return token
