"""API of the registry app, mounted under /api/v1/."""

from django.urls import path

from lms.registry import apis

urlpatterns = [
    path("imports/registry/", apis.RegistryImportAPI.as_view(), name="api-import-registry"),
    path("org-units/", apis.OrgUnitListAPI.as_view(), name="api-org-units"),
    path("cooperatives/", apis.CooperativeListAPI.as_view(), name="api-cooperatives"),
    path("people/", apis.PersonListAPI.as_view(), name="api-people"),
]
