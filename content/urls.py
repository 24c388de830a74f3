"""Pages of the content app (the catalogue itself is a Wagtail page)."""

from django.urls import path

from content import views

app_name = "content"

urlpatterns = [
    path("catalogue/", views.catalogue, name="catalogue"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("offline/", views.offline, name="offline"),
]
