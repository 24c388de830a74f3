"""API of the coverage app, mounted under /api/v1/."""

from django.urls import path

from lms.coverage import apis

urlpatterns = [
    path("coverage/", apis.CoverageReportView.as_view(), name="api-coverage-report"),
    path("coverage/missing/", apis.CoverageMissingView.as_view(), name="api-coverage-missing"),
]
