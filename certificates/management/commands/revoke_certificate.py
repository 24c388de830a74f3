"""python manage.py revoke_certificate SERIAL --reason TEXT (CONTRACT.md §6)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from certificates.models import Certificate
from certificates.services import certificate_revoke


class Command(BaseCommand):
    help = "Thu hồi một giấy chứng nhận theo số hiệu, kèm lý do."

    def add_arguments(self, parser):
        parser.add_argument("serial", help="Số hiệu, ví dụ NT-2024-000123")
        parser.add_argument("--reason", required=True, help="Lý do thu hồi")

    def handle(self, *args, serial: str, reason: str, **options):
        certificate = Certificate.objects.filter(serial=serial.strip()).first()
        if certificate is None:
            raise CommandError(_("Không có giấy chứng nhận số hiệu %(serial)s.") % {"serial": serial})
        already = certificate.revoked_on is not None
        try:
            certificate = certificate_revoke(certificate=certificate, reason=reason)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        values = {"serial": certificate.serial, "day": certificate.revoked_on.strftime("%d/%m/%Y")}
        if already:
            self.stdout.write(_("Giấy chứng nhận %(serial)s đã bị thu hồi từ ngày %(day)s.") % values)
        else:
            self.stdout.write(
                self.style.SUCCESS(_("Đã thu hồi giấy chứng nhận %(serial)s ngày %(day)s.") % values)
            )
