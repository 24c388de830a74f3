"""Pages of the certificates app."""

from django.urls import path

from certificates import views

app_name = "certificates"

urlpatterns = [
    path("mine/", views.mine, name="mine"),
]
