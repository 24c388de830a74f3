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


class TwoStepImportView(WagtailAdminTemplateMixin, FormView):
    """Upload a workbook → see the dry run (counts, or every error as sheet,
    row, column, message) → confirm to import the same file, which waits in
    private storage meanwhile (its name is kept in the session, never taken
    from the form). Subclasses say which importer runs and where."""

    template_name = "registry/admin/import.html"
    header_icon = "upload"
    session_key = ""
    storage_dir = ""
    index_url_name = ""

    def sheets(self):
        """The sheet specs the page describes."""
        raise NotImplementedError

    def run_import(self, source, *, filename: str, dry_run: bool = False):
        """Run the importer on ``source`` (an upload or bytes); its result."""
        raise NotImplementedError

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", self.get_form_class()())
        return super().get_context_data(sheets=self.sheets(), **kwargs)

    def post(self, request, *args, **kwargs):
        if "confirm" in request.POST:
            return self.confirm()
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        result = self.run_import(upload, filename=upload.name, dry_run=True)
        token = self._keep(upload) if result.ok else None
        return self.render_to_response(
            self.get_context_data(
                form=self.get_form_class()(), result=result, token=token, filename=upload.name
            )
        )

    def confirm(self):
        pending = self.request.session.get(self.session_key) or {}
        token = self.request.POST.get("confirm", "")
        entry = pending.pop(token, None)
        self.request.session[self.session_key] = pending
        if entry is None or not default_storage.exists(entry["path"]):
            messages.error(self.request, _("Tệp đã được nhập hoặc đã hết hạn. Hãy tải tệp lên lại."))
            return HttpResponseRedirect(reverse(self.index_url_name))
        try:
            with default_storage.open(entry["path"], "rb") as stored:
                data = stored.read()
        finally:
            default_storage.delete(entry["path"])
        result = self.run_import(data, filename=entry["filename"])
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
        return HttpResponseRedirect(reverse(self.index_url_name))

    def _keep(self, upload) -> str:
        """Store the upload until it is confirmed; one pending file per
        session at a time (an older one is deleted)."""
        pending = self.request.session.get(self.session_key) or {}
        for old in pending.values():
            default_storage.delete(old["path"])
        token = uuid.uuid4().hex
        extension = os.path.splitext(upload.name)[1].lower()
        upload.seek(0)
        path = default_storage.save(f"{self.storage_dir}/{token}{extension}", upload)
        self.request.session[self.session_key] = {
            token: {"path": path, "filename": os.path.basename(upload.name)}
        }
        return token


class RegistryImportView(TwoStepImportView):
    """The registry workbook (cooperatives, people, affiliations, cadres)."""

    form_class = ImportUploadForm
    page_title = gettext_lazy("Nhập dữ liệu từ Excel")
    session_key = IMPORT_SESSION_KEY
    storage_dir = IMPORT_STORAGE_DIR
    index_url_name = "registry_import:index"

    def dispatch(self, request, *args, **kwargs):
        if not can_manage_registry(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def sheets(self):
        from lms.registry.imports import SHEETS

        return SHEETS

    def run_import(self, source, *, filename: str, dry_run: bool = False):
        return registry_import(source=source, filename=filename, user=self.request.user, dry_run=dry_run)
