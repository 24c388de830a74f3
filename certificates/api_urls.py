"""API of the certificates app, mounted under /api/v1/."""

from django.urls import path

from certificates import apis

urlpatterns = [
    path(
        "certificates/verify/<str:code>/", apis.CertificateVerifyApi.as_view(), name="api-certificate-verify"
    ),
    path("certificates/mine/", apis.MyCertificatesApi.as_view(), name="api-certificates-mine"),
]
