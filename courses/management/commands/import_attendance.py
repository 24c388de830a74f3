"""python manage.py import_attendance PATH [--dry-run]"""

import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from courses.imports import import_attendance


class Command(BaseCommand):
    help = (
        "Nhập lớp tập huấn và điểm danh từ bảng tính .xlsx (các trang sessions, attendance) "
        "hoặc một tệp .csv; tất cả hoặc không gì cả."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi gì.")

    def handle(self, *args, path, dry_run, **options):
        result = import_attendance(path, dry_run=dry_run)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            sys.exit(1)
        if dry_run:
            self.stdout.write(_("Chạy thử: chưa ghi gì."))
        for sheet, counts in result.counts.items():
            line = _("%(sheet)s: %(created)d tạo mới, %(updated)d cập nhật, %(unchanged)d không đổi")
            self.stdout.write(line % {"sheet": sheet, **counts.as_dict()})
