"""JSON API of the coverage report (CONTRACT §5), with CSV/XLSX/PDF exports of
the same report through ``?format=``."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from lms.coverage import exports
from lms.coverage.selectors import (
    BadRequest,
    CoverageError,
    coverage_for_unit,
    people_behind,
    person_as_dict,
    report_as_dict,
    resolve_report,
)


class _FileRenderer(BaseRenderer):
    """Lets ``?format=csv|xlsx|pdf`` through content negotiation; the view
    answers with the file itself."""

    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class CSVRenderer(_FileRenderer):
    media_type = "text/csv"
    format = "csv"


class XLSXRenderer(_FileRenderer):
    media_type = exports.CONTENT_TYPES["xlsx"]
    format = "xlsx"


class PDFRenderer(_FileRenderer):
    media_type = "application/pdf"
    format = "pdf"


class OrgUnitRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class FiguresSerializer(serializers.Serializer):
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField(allow_null=True)
    value = serializers.FloatField(
        allow_null=True, help_text=_("Phần trăm (một chữ số thập phân) hoặc số người.")
    )
    met = serializers.BooleanField(allow_null=True)
    shortfall = serializers.IntegerField()


class BreakdownRowSerializer(FiguresSerializer):
    org_unit = OrgUnitRefSerializer()


class IndicatorFiguresSerializer(FiguresSerializer):
    code = serializers.CharField()
    kind = serializers.ChoiceField(choices=["percent", "count"])
    target = serializers.FloatField()
    breakdown = BreakdownRowSerializer(many=True)


class CoverageReportSerializer(serializers.Serializer):
    plan = serializers.CharField()
    org_unit = OrgUnitRefSerializer()
    as_of = serializers.DateField()
    indicators = IndicatorFiguresSerializer(many=True)


class CooperativeRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    role = serializers.CharField()


class MissingPersonSerializer(serializers.Serializer):
    code = serializers.CharField()
    full_name = serializers.CharField()
    org_unit = OrgUnitRefSerializer(allow_null=True)
    cooperatives = CooperativeRefSerializer(many=True)


ERROR = inline_serializer("CoverageError", {"detail": serializers.CharField()})
COMMON_PARAMETERS = [
    OpenApiParameter("plan", OpenApiTypes.STR, required=True, description=_("Mã kế hoạch")),
    OpenApiParameter(
        "org_unit",
        OpenApiTypes.STR,
        description=_("Mã địa bàn; mặc định: địa bàn của kế hoạch (trong phạm vi được xem)."),
    ),
    OpenApiParameter(
        "as_of",
        OpenApiTypes.DATE,
        description=_("Tính đến ngày (YYYY-MM-DD); mặc định: hôm nay hoặc ngày kết thúc."),
    ),
]
ERRORS = {
    400: OpenApiResponse(ERROR, description=_("Tham số không hợp lệ")),
    403: OpenApiResponse(ERROR, description=_("Ngoài phạm vi được xem")),
    404: OpenApiResponse(ERROR, description=_("Không có kế hoạch, địa bàn hoặc chỉ tiêu này")),
}


def _error(request, error: CoverageError) -> Response:
    # Errors are JSON whatever file format was asked for.
    request.accepted_renderer = JSONRenderer()
    request.accepted_media_type = JSONRenderer.media_type
    return Response({"detail": error.message}, status=error.status)


def _resolve(request, **kwargs):
    params = request.query_params
    if not params.get("plan"):
        raise BadRequest(str(_("Cần mã kế hoạch (plan).")))
    return resolve_report(
        user=request.user,
        plan=params.get("plan"),
        org_unit=params.get("org_unit") or None,
        as_of=params.get("as_of") or None,
        **kwargs,
    )


class CoverageReportView(APIView):
    """The coverage report of a plan for a unit and its direct children."""

    renderer_classes = [JSONRenderer, CSVRenderer, XLSXRenderer, PDFRenderer]

    @extend_schema(
        operation_id="coverage_report",
        parameters=[
            *COMMON_PARAMETERS,
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                enum=["json", "csv", "xlsx", "pdf"],
                description=_("Định dạng tệp"),
            ),
        ],
        responses={200: CoverageReportSerializer, **ERRORS},
    )
    def get(self, request):
        try:
            args = _resolve(request)
        except CoverageError as error:
            return _error(request, error)
        report = coverage_for_unit(plan=args.plan, unit=args.org_unit, as_of=args.as_of)
        fmt = request.accepted_renderer.format
        if fmt == "json":
            return Response(report_as_dict(report))
        if fmt == "csv":
            content = exports.report_csv(report)
        elif fmt == "xlsx":
            content = exports.report_xlsx(report)
        else:
            content = exports.report_pdf(report)
        response = HttpResponse(content, content_type=exports.CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{exports.filename(report, fmt)}"'
        return response


class CoverageMissingView(APIView):
    """People in an indicator's population who are not in its numerator."""

    @extend_schema(
        operation_id="coverage_missing",
        parameters=[
            *COMMON_PARAMETERS,
            OpenApiParameter("indicator", OpenApiTypes.STR, required=True, description=_("Mã chỉ tiêu")),
        ],
        responses={
            200: inline_serializer(
                "CoverageMissingPage",
                {
                    "count": serializers.IntegerField(),
                    "next": serializers.URLField(allow_null=True),
                    "previous": serializers.URLField(allow_null=True),
                    "results": MissingPersonSerializer(many=True),
                },
            ),
            **ERRORS,
        },
    )
    def get(self, request):
        try:
            args = _resolve(
                request, indicator=request.query_params.get("indicator") or None, require_indicator=True
            )
        except CoverageError as error:
            return _error(request, error)
        people = people_behind(
            plan=args.plan, indicator=args.indicator, unit=args.org_unit, as_of=args.as_of, which="missing"
        )
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(people, request, view=self)
        return paginator.get_paginated_response([person_as_dict(p, args.indicator) for p in page])
