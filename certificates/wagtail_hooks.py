"""The "Giấy chứng nhận" menu of the Wagtail admin."""

from __future__ import annotations

from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, UpdatedAtColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from certificates import admin_views
from certificates.models import BulkIssue, Certificate, CertificateTemplate, CourseCertificateTemplate

register_permission_policy(Certificate, admin_views.NoEditPolicy(Certificate))
register_permission_policy(BulkIssue, admin_views.NoEditPolicy(BulkIssue))


class NoEditViewSetMixin:
    """No edit or delete screens: rows are made by services (see NoEditPolicy)."""

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(**{"edit_url_name": None, "delete_url_name": None, **kwargs})

    def get_urlpatterns(self):
        return [p for p in super().get_urlpatterns() if p.name not in ("edit", "delete")]

    @property
    def edit_view(self):
        return _not_found

    @property
    def delete_view(self):
        return _not_found


def _not_found(request, *args, **kwargs):
    raise Http404


def certificate_state(certificate: Certificate) -> str:
    if certificate.revoked:
        return _("Đã thu hồi")
    return certificate.get_status_display()


certificate_state.short_description = _("Trạng thái")


class CertificateViewSet(NoEditViewSetMixin, ModelViewSet):
    model = Certificate
    icon = "doc-full-inverse"
    menu_label = _("Giấy chứng nhận")
    index_view_class = admin_views.CertificateIndexView
    inspect_view_class = admin_views.CertificateInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    ordering = ["-issued_on", "-serial"]
    list_display = [
        "serial",
        "holder_name",
        "title",
        DateColumn("issued_on", label=_("Ngày cấp")),
        StatusTagColumn(
            "state",
            label=_("Trạng thái"),
            accessor=certificate_state,
            primary=lambda c: c.status == Certificate.Status.ISSUED and not c.revoked,
        ),
    ]
    list_filter = ["status", "issued_on", "revoked_on"]
    search_fields = ["serial", "holder_name", "title"]
    list_export = [
        "serial",
        "holder_name",
        "person.code",
        "title",
        "issued_on",
        "get_status_display",
        "revoked_on",
        "revoked_reason",
        "get_verify_url",
    ]
    export_headings = {
        "serial": _("Số hiệu"),
        "holder_name": _("Họ và tên"),
        "person.code": _("Mã người"),
        "title": _("Khóa học / lớp tập huấn"),
        "issued_on": _("Ngày cấp"),
        "get_status_display": _("Trạng thái"),
        "revoked_on": _("Ngày thu hồi"),
        "revoked_reason": _("Lý do thu hồi"),
        "get_verify_url": _("Trang xác thực"),
    }
    export_filename = "giay-chung-nhan"
    inspect_view_fields = [
        "serial",
        "holder_name",
        "person",
        "title",
        "course",
        "session",
        "hours",
        "start_date",
        "end_date",
        "issued_on",
        "issued_by",
        "template",
        "status",
        "rendered_at",
        "error",
        "revoked_on",
        "revoked_reason",
    ]

    @property
    def add_view(self):
        return self.construct_view(admin_views.IssueCertificateView)

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("revoke/<int:pk>/", admin_views.RevokeCertificateView.as_view(), name="revoke"),
            path("rerender/<int:pk>/", admin_views.RerenderCertificateView.as_view(), name="rerender"),
            path("download/<int:pk>/", admin_views.DownloadCertificateView.as_view(), name="download"),
        ]


def bulk_progress(job: BulkIssue) -> str:
    return f"{job.done}/{job.total}"


bulk_progress.short_description = _("Tiến độ")


class BulkIssueViewSet(NoEditViewSetMixin, ModelViewSet):
    model = BulkIssue
    icon = "list-ul"
    menu_label = _("Cấp hàng loạt")
    index_view_class = admin_views.BulkIssueIndexView
    inspect_view_class = admin_views.BulkIssueInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 30
    list_display = [
        Column("target", label=_("Khóa học / lớp tập huấn"), accessor="target_title"),
        StatusTagColumn(
            "status_label",
            label=_("Trạng thái"),
            accessor="get_status_display",
            primary=lambda j: j.status == BulkIssue.Status.DONE,
        ),
        Column("progress", label=_("Tiến độ"), accessor=bulk_progress),
        Column("created", label=_("Cấp mới")),
        Column("error_count", label=_("Lỗi")),
        DateColumn("created_at", label=_("Yêu cầu lúc")),
    ]
    inspect_view_fields = [
        "course",
        "session",
        "status",
        "total",
        "done",
        "created",
        "errors",
        "requested_by",
        "created_at",
        "started_at",
        "finished_at",
    ]

    @property
    def add_view(self):
        return self.construct_view(admin_views.BulkIssueCreateView)


class CertificateTemplateViewSet(SnippetViewSet):
    model = CertificateTemplate
    icon = "doc-full"
    index_view_class = admin_views.TemplateIndexView
    menu_label = _("Mẫu giấy chứng nhận")
    list_display = ["name", "organisation", "is_default", "paper", UpdatedAtColumn()]
    copy_view_enabled = True

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("preview-pdf/<int:pk>/", admin_views.TemplatePreviewPdfView.as_view(), name="preview_pdf"),
        ]


class CourseTemplateViewSet(ModelViewSet):
    model = CourseCertificateTemplate
    icon = "link"
    menu_label = _("Mẫu theo khóa học")
    form_fields = ["course", "template"]
    list_display = ["course", "template"]
    copy_view_enabled = False


class CertificatesMenu(SnippetViewSetGroup):
    menu_label = _("Giấy chứng nhận")
    menu_icon = "doc-full-inverse"
    menu_order = 320
    items = (CertificateViewSet, BulkIssueViewSet, CertificateTemplateViewSet, CourseTemplateViewSet)


register_snippet(CertificatesMenu)
