"""Wagtail hooks of the courses app: the learner context of content pages,
and the admin screens for sessions, attendance, bulk enrolment and the
attendance import (menu "Học tập")."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from courses import admin_views
from courses.forms import TrainingSessionForm
from courses.models import TrainingSession
from courses.page_context import learning_context
from courses.selectors import can_manage_learning, sessions_visible_to
from courses.services import session_delete, session_resync


@hooks.register("nangtam_learning_context")
def learning_for_page(*, request, page):
    return learning_context(request=request, page=page)


class LearningMenuItem(MenuItem):
    def is_shown(self, request):
        return can_manage_learning(request.user)


# --- Sessions -------------------------------------------------------------


class ScopedSessionsMixin:
    """An official edits only the sessions of her units (others are 404)."""

    def get_queryset(self):
        return sessions_visible_to(user=self.request.user)


class SessionIndexView(generic.IndexView):
    """An official lists only the sessions of her units."""

    def get_base_queryset(self):
        return (
            sessions_visible_to(user=self.request.user)
            .select_related("org_unit", "course")
            .annotate(attendee_count=Count("attendance", filter=Q(attendance__attended=True)))
        )


class SessionCreateView(generic.CreateView):
    def save_instance(self):
        with transaction.atomic():
            instance = super().save_instance()
            session_resync(session=instance)
        return instance

    def get_success_url(self):
        return reverse("learning_attendance", args=[self.object.pk])


class SessionEditView(ScopedSessionsMixin, generic.EditView):
    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        self.previous_course_id = obj.course_id
        return obj

    def save_instance(self):
        with transaction.atomic():
            instance = super().save_instance()
            session_resync(session=instance, previous_course_id=self.previous_course_id)
        return instance


class SessionDeleteView(ScopedSessionsMixin, generic.DeleteView):
    def form_valid(self, form):
        try:
            session_delete(session=self.object)
        except ValidationError as exc:
            messages.error(self.request, " ".join(exc.messages))
            return HttpResponseRedirect(reverse("learning_sessions:edit", args=[self.object.pk]))
        messages.success(self.request, self.get_success_message())
        return HttpResponseRedirect(self.get_success_url())


def _attendance_link(session):
    return reverse("learning_attendance", args=[session.pk])


class SessionHistoryView(generic.HistoryView):
    def get_base_object_queryset(self):
        return sessions_visible_to(user=self.request.user)


class SessionUsageView(generic.UsageView):
    def get_base_object_queryset(self):
        return sessions_visible_to(user=self.request.user)


class AttendanceColumn(Column):
    cell_template_name = "courses/admin/attendance_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["url"] = _attendance_link(instance)
        context["count"] = getattr(instance, "attendee_count", None)
        return context


class TrainingSessionViewSet(ModelViewSet):
    model = TrainingSession
    icon = "date"
    menu_label = gettext_lazy("Lớp tập huấn")
    name = "learning_sessions"
    index_view_class = SessionIndexView
    add_view_class = SessionCreateView
    edit_view_class = SessionEditView
    delete_view_class = SessionDeleteView
    history_view_class = SessionHistoryView
    usage_view_class = SessionUsageView
    copy_view_enabled = False
    search_fields = ["code", "title", "trainer"]
    list_filter = ["issues_certificate", "topics"]
    ordering = ["-start_date", "code"]
    list_display = [
        "code",
        "title",
        Column("start_date", label=gettext_lazy("Ngày bắt đầu"), sort_key="start_date"),
        Column("end_date", label=gettext_lazy("Ngày kết thúc")),
        Column("org_unit", label=gettext_lazy("Địa bàn")),
        AttendanceColumn("attendee_count", label=gettext_lazy("Điểm danh")),
    ]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("code"), FieldPanel("title")]),
            FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
            FieldPanel("course"),
            FieldPanel("org_unit"),
            FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
            FieldPanel("trainer"),
            FieldPanel("issues_certificate"),
        ],
        base_form_class=TrainingSessionForm,
    )

    @property
    def menu_item_class(self):
        return LearningMenuItem


# --- Custom screens -------------------------------------------------------


class BulkEnrolViewSet(ViewSet):
    name = "learning_bulk_enrol"
    icon = "group"
    menu_label = gettext_lazy("Đăng ký học hàng loạt")

    @property
    def menu_item_class(self):
        return LearningMenuItem

    @property
    def menu_url(self):
        return reverse("learning_bulk_enrol")

    def get_urlpatterns(self):
        return []


class AttendanceImportViewSet(ViewSet):
    name = "learning_import_attendance"
    icon = "upload"
    menu_label = gettext_lazy("Nhập điểm danh từ tệp")

    @property
    def menu_item_class(self):
        return LearningMenuItem

    @property
    def menu_url(self):
        return reverse("learning_import_attendance")

    def get_urlpatterns(self):
        return []


class LearningViewSetGroup(ViewSetGroup):
    items = (TrainingSessionViewSet, BulkEnrolViewSet, AttendanceImportViewSet)
    menu_icon = "calendar-check"
    menu_label = gettext_lazy("Học tập")
    menu_name = "learning"
    menu_order = 300


@hooks.register("register_admin_viewset")
def register_learning_viewsets():
    return LearningViewSetGroup()


@hooks.register("register_admin_urls")
def register_learning_urls():
    return [
        path(
            "learning/sessions/<int:session_id>/attendance/",
            admin_views.AttendanceView.as_view(),
            name="learning_attendance",
        ),
        path("learning/enrol/", admin_views.BulkEnrolView.as_view(), name="learning_bulk_enrol"),
        path(
            "learning/import-attendance/",
            admin_views.AttendanceImportView.as_view(),
            name="learning_import_attendance",
        ),
    ]
