"""Pages of the coverage app."""

from django.urls import path

from lms.coverage import views

app_name = "coverage"

urlpatterns = [
    path("", views.report, name="report"),
]
