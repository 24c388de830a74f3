"""Pages of the coverage app."""

from django.urls import path

from lms.coverage import views

app_name = "coverage"

urlpatterns = [
    path("", views.report, name="report"),
    path("export/<str:fmt>/", views.export, name="export"),
    path("people/", views.people, name="people"),
    path("people/export/<str:fmt>/", views.people_export, name="people_export"),
]
