"""API of the certificates app (CONTRACT.md §6)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from certificates import selectors


class VerificationSerializer(serializers.Serializer):
    valid = serializers.BooleanField(help_text=_("Đúng khi giấy chứng nhận có thật và chưa bị thu hồi."))
    serial = serializers.CharField()
    holder = serializers.CharField()
    title = serializers.CharField()
    issued_on = serializers.DateField()
    revoked = serializers.BooleanField()


class CertificateVerifyApi(APIView):
    """Verify a certificate by the code in its QR code. Public: no login."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        auth=[],
        responses={
            200: VerificationSerializer,
            404: OpenApiResponse(
                inline_serializer("CertificateNotFound", {"detail": serializers.CharField()}),
                description=_("Không có giấy chứng nhận nào với mã này."),
            ),
        },
    )
    def get(self, request, code: str):
        certificate = selectors.certificate_by_code(code=code)
        if certificate is None:
            return Response({"detail": _("Không tìm thấy giấy chứng nhận.")}, status=404)
        data = {
            "valid": certificate.is_valid,
            "serial": certificate.serial,
            "holder": certificate.holder_name,
            "title": certificate.title,
            "issued_on": certificate.issued_on,
            "revoked": certificate.revoked,
        }
        return Response(VerificationSerializer(data).data)


class MyCertificateSerializer(serializers.Serializer):
    serial = serializers.CharField()
    title = serializers.CharField()
    issued_on = serializers.DateField()
    status = serializers.CharField()
    revoked_on = serializers.DateField(allow_null=True)
    verify_url = serializers.CharField()
    download_url = serializers.CharField(allow_null=True)


class MyCertificatesApi(APIView):
    """The certificates of the signed-in account's person."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: MyCertificateSerializer(many=True)})
    def get(self, request):
        rows = selectors.certificates_of_person(person_id=request.user.person_id)
        data = [
            {
                "serial": c.serial,
                "title": c.title,
                "issued_on": c.issued_on,
                "status": c.status,
                "revoked_on": c.revoked_on,
                "verify_url": c.get_verify_url(),
                "download_url": (
                    request.build_absolute_uri(reverse("certificates:download", args=[c.pk]))
                    if c.status == c.Status.ISSUED and not c.revoked
                    else None
                ),
            }
            for c in rows
        ]
        return Response(MyCertificateSerializer(data, many=True).data)
