"""Pages of the certificates app."""

from django.urls import path

from certificates import views

app_name = "certificates"

urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("<int:pk>/download/", views.download, name="download"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
