"""The registry API under /api/v1/: the Excel/CSV import and read-only lists
of units, cooperatives and people, each limited to the caller's scope
(officials: their unit and below; admins: everything; others: 403)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from lms.registry import serializers as s
from lms.registry.forms import IMPORT_MAX_BYTES
from lms.registry.selectors import (
    can_manage_registry,
    cooperatives_visible_to,
    org_units_visible_to,
    people_with_affiliations,
    units_within,
)
from lms.registry.services import registry_import

TAGS = ["registry"]
TRUE_VALUES = {"1", "true", "yes", "on"}


class ManagesRegistry(BasePermission):
    """Officials with a scope, and admins."""

    message = gettext_lazy("Chỉ cán bộ quản lý và quản trị viên mới dùng được chức năng này.")

    def has_permission(self, request, view):
        return bool(can_manage_registry(request.user))


def _error(column: str, message: str) -> Response:
    body = {"errors": [{"sheet": "", "row": None, "column": column, "message": message}]}
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


class RegistryImportAPI(APIView):
    permission_classes = [IsAuthenticated, ManagesRegistry]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=TAGS,
        summary="Import the registry from an .xlsx workbook or a .csv sheet (all or nothing)",
        request={"multipart/form-data": s.ImportUploadSerializer},
        parameters=[
            OpenApiParameter(
                "dry_run", bool, description="1: validate and count, write nothing.", required=False
            )
        ],
        responses={200: s.ImportSuccessSerializer, 400: s.ImportErrorsSerializer},
    )
    def post(self, request):
        upload = request.FILES.get("file")
        if upload is None:
            return _error("file", _("Chưa gửi tệp (trường “file”)."))
        if upload.size > IMPORT_MAX_BYTES:
            return _error("file", _("Tệp quá lớn (tối đa 20 MB)."))
        dry_run = request.query_params.get("dry_run", "").lower() in TRUE_VALUES
        result = registry_import(source=upload, filename=upload.name, user=request.user, dry_run=dry_run)
        if not result.ok:
            return Response(result.as_dict(), status=status.HTTP_400_BAD_REQUEST)
        return Response(result.as_dict())


WITHIN = OpenApiParameter(
    "within", str, description="Code of a unit: only rows of that unit and below.", required=False
)
SEARCH = OpenApiParameter("search", str, description="Part of the code or name.", required=False)


class ScopedListAPI(ListAPIView):
    """A paginated list limited to the caller's scope, with ``within`` and
    ``search`` filters (a constant number of queries per page)."""

    permission_classes = [IsAuthenticated, ManagesRegistry]
    unit_field = "org_unit"
    search_fields: tuple[str, ...] = ("code",)

    def visible(self):
        raise NotImplementedError

    def get_queryset(self):
        queryset = self.visible()
        code = self.request.query_params.get("within")
        if code:
            unit = org_units_visible_to(user=self.request.user).filter(code=code).first()
            if unit is None:
                raise NotFound(_("Không có địa bàn mã “%s” trong phạm vi của bạn.") % code)
            queryset = units_within(queryset, unit=unit, unit_field=self.unit_field)
        search = self.request.query_params.get("search", "").strip()
        if search:
            query = Q()
            for field in self.search_fields:
                query |= Q(**{f"{field}__icontains": search})
            queryset = queryset.filter(query)
        return queryset


@extend_schema(tags=TAGS, summary="Administrative units in the caller's scope", parameters=[WITHIN, SEARCH])
class OrgUnitListAPI(ScopedListAPI):
    serializer_class = s.OrgUnitSerializer
    unit_field = ""
    search_fields = ("code", "name")

    def visible(self):
        return org_units_visible_to(user=self.request.user).order_by("path")


@extend_schema(
    tags=TAGS,
    summary="Cooperatives and cooperative groups in the caller's scope",
    parameters=[WITHIN, SEARCH],
)
class CooperativeListAPI(ScopedListAPI):
    serializer_class = s.CooperativeSerializer
    search_fields = ("code", "name")

    def visible(self):
        return cooperatives_visible_to(user=self.request.user).order_by("name", "code")


@extend_schema(
    tags=TAGS,
    summary="People in the caller's scope, with their roles in cooperatives",
    parameters=[WITHIN, SEARCH],
)
class PersonListAPI(ScopedListAPI):
    serializer_class = s.PersonSerializer
    search_fields = ("code", "full_name")

    def visible(self):
        return people_with_affiliations(user=self.request.user).order_by("full_name", "code")
