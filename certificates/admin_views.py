"""Wagtail admin screens of the certificates app: the certificates list
(scoped, exportable), issuing by hand, revoking with a reason, bulk issuing
with progress, and the template preview. Registered in ``wagtail_hooks``."""

from __future__ import annotations

from django import forms
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, View
from wagtail.admin import messages
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView

from certificates import selectors, services
from certificates.models import BulkIssue, Certificate, CertificateTemplate
from certificates.rendering import render_template_sample
from content.models import CoursePage
from courses.models import TrainingSession
from lms.registry.models import Person


class NoEditPolicy(ModelPermissionPolicy):
    """Certificates and bulk jobs are made by services, never edited or
    deleted in the admin: a wrong certificate is revoked, with a reason."""

    def user_has_permission(self, user, action):
        if action in ("change", "delete"):
            return False
        return super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        kept = [a for a in actions if a not in ("change", "delete")]
        if not kept:
            from lms.registry.models import User

            return User.objects.none()
        return super().users_with_any_permission(kept)


def url_name(action: str, model=Certificate) -> str:
    return f"{model._meta.model_name}:{action}"


# --- certificates ------------------------------------------------------------


class CertificateIndexView(IndexView):
    """Only the certificates the user may see (an official: her scope)."""

    def get_base_queryset(self):
        return selectors.certificates_visible_to(user=self.request.user).select_related("person")

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        user = self.request.user
        if instance.status == Certificate.Status.ISSUED and (user.is_admin_role or user.is_official):
            buttons.append(
                MenuItem(
                    _("Tải PDF"),
                    url=reverse(url_name("download"), args=[quote(instance.pk)]),
                    icon_name="download",
                    priority=5,
                )
            )
        buttons.append(
            MenuItem(
                _("Trang xác thực"), url=instance.get_verify_path(), icon_name="link-external", priority=40
            )
        )
        if user.is_admin_role and not instance.revoked:
            buttons.append(
                MenuItem(
                    _("Thu hồi"),
                    url=reverse(url_name("revoke"), args=[quote(instance.pk)]),
                    icon_name="cross",
                    priority=50,
                )
            )
        return buttons


class CertificateInspectView(InspectView):
    def get_object(self, queryset=None):
        visible = selectors.certificates_visible_to(user=self.request.user)
        return get_object_or_404(
            visible.select_related("person", "course", "session", "template"), pk=self.pk
        )

    def get_error_display_value(self):
        return self.object.error or "–"

    @cached_property
    def header_more_buttons(self):
        buttons = []
        user, certificate = self.request.user, self.object
        if certificate.status == Certificate.Status.ISSUED and selectors.can_download(
            user=user, certificate=certificate
        ):
            buttons.append(
                HeaderButton(
                    _("Tải PDF"),
                    url=reverse(url_name("download"), args=[certificate.pk]),
                    icon_name="download",
                )
            )
        if user.is_admin_role and not certificate.revoked:
            buttons.append(
                HeaderButton(
                    _("Thu hồi"), url=reverse(url_name("revoke"), args=[certificate.pk]), icon_name="cross"
                )
            )
        if user.is_admin_role and certificate.status != Certificate.Status.ISSUED:
            buttons.append(
                HeaderButton(
                    _("Tạo lại tệp PDF"),
                    url=reverse(url_name("rerender"), args=[certificate.pk]),
                    icon_name="rotate",
                )
            )
        return buttons

    def get_header_more_buttons(self):
        return []

    def get_header_buttons(self):
        return self.header_more_buttons


class AdminFormView(WagtailAdminTemplateMixin, FormView):
    """A plain form in the admin's look."""

    template_name = "wagtailadmin/generic/form.html"
    header_icon = "doc-full-inverse"
    submit_button_label = gettext_lazy("Lưu")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            action_url=self.request.get_full_path(),
            submit_button_label=self.submit_button_label,
            submit_button_active_label=_("Đang xử lý…"),
            media=context["form"].media,
        )
        return context

    def form_invalid(self, form):
        messages.validation_error(self.request, _("Chưa lưu được: kiểm tra các lỗi bên dưới."), form)
        return super().form_invalid(form)


class TargetForm(forms.Form):
    """A course or a session (exactly one)."""

    course = forms.ModelChoiceField(
        label=gettext_lazy("Khóa học"), queryset=CoursePage.objects.none(), required=False
    )
    session = forms.ModelChoiceField(
        label=gettext_lazy("Lớp tập huấn"), queryset=TrainingSession.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = CoursePage.objects.live().order_by("title")
        self.fields["session"].queryset = TrainingSession.objects.order_by("-start_date", "code")

    def clean(self):
        data = super().clean()
        if bool(data.get("course")) == bool(data.get("session")):
            raise ValidationError(_("Chọn một khóa học hoặc một lớp tập huấn (không chọn cả hai)."))
        return data


class IssueForm(TargetForm):
    person_code = forms.CharField(
        label=gettext_lazy("Mã người được cấp"),
        max_length=50,
        help_text=gettext_lazy("Mã trong sổ đăng ký, ví dụ P00012."),
    )
    field_order = ["person_code", "course", "session"]

    def clean_person_code(self):
        code = self.cleaned_data["person_code"].strip()
        person = Person.objects.filter(code=code).first()
        if person is None:
            raise ValidationError(_("Không có người với mã %(code)s.") % {"code": code})
        self.cleaned_data["person"] = person
        return code


class IssueCertificateView(AdminFormView):
    """Issue one certificate by hand (trainers and admins)."""

    form_class = IssueForm
    page_title = gettext_lazy("Cấp giấy chứng nhận")
    submit_button_label = gettext_lazy("Cấp giấy chứng nhận")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("certificates.add_certificate"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            certificate = services.certificate_issue_by_hand(
                person=data["person"],
                course=data["course"],
                session=data["session"],
                issued_by=self.request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Đã cấp giấy chứng nhận %(serial)s cho %(name)s.")
            % {"serial": certificate.serial, "name": certificate.holder_name},
        )
        return redirect(reverse(url_name("inspect"), args=[certificate.pk]))


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Lý do thu hồi"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class RevokeCertificateView(AdminFormView):
    form_class = RevokeForm
    page_title = gettext_lazy("Thu hồi giấy chứng nhận")
    submit_button_label = gettext_lazy("Thu hồi")
    header_icon = "cross"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_admin_role:
            raise PermissionDenied
        self.certificate = get_object_or_404(Certificate, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return f"{self.certificate.serial} – {self.certificate.holder_name}"

    def form_valid(self, form):
        if self.certificate.revoked:
            messages.warning(self.request, _("Giấy chứng nhận này đã bị thu hồi trước đó."))
        else:
            services.certificate_revoke(certificate=self.certificate, reason=form.cleaned_data["reason"])
            messages.success(
                self.request,
                _("Đã thu hồi giấy chứng nhận %(serial)s.") % {"serial": self.certificate.serial},
            )
        return redirect(reverse(url_name("inspect"), args=[self.certificate.pk]))


class RerenderCertificateView(AdminFormView):
    """Send the PDF rendering again, for a certificate without its PDF."""

    form_class = forms.Form
    page_title = gettext_lazy("Tạo lại tệp PDF")
    submit_button_label = gettext_lazy("Tạo lại tệp PDF")
    header_icon = "rotate"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_admin_role:
            raise PermissionDenied
        self.certificate = get_object_or_404(Certificate, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return f"{self.certificate.serial} – {self.certificate.holder_name}"

    def form_valid(self, form):
        try:
            services.certificate_rerender(certificate=self.certificate)
        except ValidationError as exc:
            messages.warning(self.request, " ".join(exc.messages))
        else:
            messages.success(self.request, _("Đã gửi tạo lại tệp PDF."))
        return redirect(reverse(url_name("inspect"), args=[self.certificate.pk]))


class DownloadCertificateView(View):
    def get(self, request, pk):
        certificate = selectors.certificate_for_download(user=request.user, pk=pk)
        return FileResponse(
            certificate.pdf.open("rb"),
            as_attachment=True,
            filename=f"{certificate.serial}.pdf",
            content_type="application/pdf",
        )


# --- bulk issuing ------------------------------------------------------------


class BulkIssueIndexView(IndexView):
    template_name = "certificates/admin/bulk_issue_index.html"

    def get_base_queryset(self):
        return selectors.bulk_issues_visible_to(user=self.request.user).select_related(
            "course", "session", "requested_by"
        )

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["any_running"] = any(
            job.status in (BulkIssue.Status.QUEUED, BulkIssue.Status.RUNNING)
            for job in context["object_list"]
        )
        return context


class BulkIssueInspectView(InspectView):
    def get_object(self, queryset=None):
        visible = selectors.bulk_issues_visible_to(user=self.request.user)
        return get_object_or_404(visible, pk=self.pk)

    def get_errors_display_value(self):
        if not self.object.errors:
            return "–"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "", "<li>{} {}: {}</li>", ((e["person"], e["name"], e["message"]) for e in self.object.errors)
            ),
        )

    @cached_property
    def header_more_buttons(self):
        return []

    def get_header_buttons(self):
        job = self.object
        if not self.request.user.has_perm("certificates.add_bulkissue"):
            return []
        params = f"?course={job.course_id}" if job.course_id else f"?session={job.session_id}"
        return [
            HeaderButton(_("Chạy lại"), url=reverse(url_name("add", BulkIssue)) + params, icon_name="rotate")
        ]


class BulkIssueCreateView(AdminFormView):
    form_class = TargetForm
    page_title = gettext_lazy("Cấp hàng loạt")
    submit_button_label = gettext_lazy("Bắt đầu cấp")
    header_icon = "list-ul"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("certificates.add_bulkissue"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {key: self.request.GET.get(key) for key in ("course", "session") if self.request.GET.get(key)}

    def form_valid(self, form):
        job = services.bulk_issue_start(
            course=form.cleaned_data["course"],
            session=form.cleaned_data["session"],
            requested_by=self.request.user,
        )
        messages.success(
            self.request,
            _("Đã bắt đầu cấp giấy chứng nhận cho “%(title)s”. Tiến độ hiện ở danh sách bên dưới.")
            % {"title": job.target_title},
        )
        return redirect(reverse(url_name("index", BulkIssue)))


# --- templates ---------------------------------------------------------------


class TemplateIndexView(SnippetIndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        namespace = self.index_url_name.split(":")[0]
        buttons.append(
            MenuItem(
                _("Xem thử PDF"),
                url=reverse(f"{namespace}:preview_pdf", args=[quote(instance.pk)]),
                icon_name="view",
                priority=15,
            )
        )
        return buttons


class TemplatePreviewPdfView(View):
    """The real PDF a saved template gives for a sample holder."""

    def get(self, request, pk):
        if not request.user.has_perm("certificates.change_certificatetemplate"):
            raise PermissionDenied
        template = CertificateTemplate.objects.filter(pk=pk).first()
        if template is None:
            raise Http404
        response = HttpResponse(render_template_sample(template=template), content_type="application/pdf")
        response["Content-Disposition"] = 'inline; filename="mau-giay-chung-nhan.pdf"'
        return response
