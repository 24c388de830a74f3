"""``coverage_rebuild_members``: refill the member table the coverage report
reads (``lms.coverage.members``) from the registry.

Triggers keep the table in step with every write; this is for a load made
with triggers switched off (``session_replication_role = replica``, a
bulk copy into the registry's tables by hand)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from lms.coverage import members


class Command(BaseCommand):
    help = "Tính lại bảng vị trí (dùng cho báo cáo độ bao phủ) từ sổ đăng ký."

    def handle(self, *args, **options):
        with transaction.atomic():
            written = members.rebuild()
        self.stdout.write(f"Đã ghi {written} vị trí.")
