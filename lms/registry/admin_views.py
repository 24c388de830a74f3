"""Admin screens of the registry: the scoped generic views used by the
viewsets in ``wagtail_hooks.py``, and the Excel/CSV import page."""

from __future__ import annotations

import os
import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db.models import ProtectedError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from lms.registry.forms import ImportUploadForm
from lms.registry.selectors import can_manage_registry
from lms.registry.services import registry_import

IMPORT_SESSION_KEY = "registry_import_pending"
IMPORT_STORAGE_DIR = "private/registry-imports"


class ScopedMixin:
    """Rows outside the official's scope do not exist for these views: the
    listing leaves them out and their edit/delete/history URLs answer 404.

    ``visible`` is a selector ``(user=) -> QuerySet`` given by the viewset.
    """

    visible = None

    def dispatch(self, request, *args, **kwargs):
        if not can_manage_registry(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def visible_queryset(self):
        return self.visible(user=self.request.user)


class ScopedIndexView(ScopedMixin, generic.IndexView):
    def get_base_queryset(self):
        return self.visible_queryset()


class ScopedCreateView(ScopedMixin, generic.CreateView):
    pass


class ScopedEditView(ScopedMixin, generic.EditView):
    def get_queryset(self):
        return self.visible_queryset()


class ScopedCopyView(ScopedMixin, generic.CopyView):
    def get_object(self, queryset=None):
        return get_object_or_404(self.visible_queryset(), pk=self.kwargs[self.pk_url_kwarg])


class ScopedDeleteView(ScopedMixin, generic.DeleteView):
    def get_queryset(self):
        return self.visible_queryset()

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ProtectedError:
            messages.error(
                self.request,
                _("Không xoá được “%(object)s”: còn dữ liệu khác đang dùng (địa bàn con, HTX/THT, người…).")
                % {"object": self.object},
            )
            return HttpResponseRedirect(self.get_success_url())


class ScopedHistoryView(ScopedMixin, history.HistoryView):
    def get_base_object_queryset(self):
        return self.visible_queryset()


class ScopedUsageView(ScopedMixin, usage.UsageView):
    def get_base_object_queryset(self):
        return self.visible_queryset()


class RegistryImportView(WagtailAdminTemplateMixin, FormView):
    """Upload a workbook → see the dry run (counts, or every error) → confirm
    to import the same file, which waits in private storage meanwhile
    (its name is kept in the session, never taken from the form)."""

    template_name = "registry/admin/import.html"
    form_class = ImportUploadForm
    page_title = gettext_lazy("Nhập dữ liệu từ Excel")
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        if not can_manage_registry(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        from lms.registry.imports import SHEETS

        kwargs.setdefault("form", self.get_form_class()())
        return super().get_context_data(sheets=SHEETS, **kwargs)

    def post(self, request, *args, **kwargs):
        if "confirm" in request.POST:
            return self.confirm()
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        result = registry_import(source=upload, filename=upload.name, user=self.request.user, dry_run=True)
        token = None
        if result.ok:
            token = self._keep(upload)
        return self.render_to_response(
            self.get_context_data(
                form=self.get_form_class()(), result=result, token=token, filename=upload.name
            )
        )

    def confirm(self):
        pending = self.request.session.get(IMPORT_SESSION_KEY) or {}
        token = self.request.POST.get("confirm", "")
        entry = pending.pop(token, None)
        self.request.session[IMPORT_SESSION_KEY] = pending
        if entry is None or not default_storage.exists(entry["path"]):
            messages.error(self.request, _("Tệp đã được nhập hoặc đã hết hạn. Hãy tải tệp lên lại."))
            return HttpResponseRedirect(reverse("registry_import:index"))
        try:
            with default_storage.open(entry["path"], "rb") as stored:
                data = stored.read()
        finally:
            default_storage.delete(entry["path"])
        result = registry_import(source=data, filename=entry["filename"], user=self.request.user)
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
        return HttpResponseRedirect(reverse("registry_import:index"))

    def _keep(self, upload) -> str:
        """Store the upload until the official confirms; one pending file per
        session at a time (an older one is deleted)."""
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
