"""python manage.py import_attendance PATH [--dry-run]"""

from courses.imports import import_attendance
from lms.registry.importing.command import ImportCommand


class Command(ImportCommand):
    help = (
        "Nhập lớp tập huấn và điểm danh từ bảng tính .xlsx (các trang sessions, attendance) "
        "hoặc một tệp .csv; tất cả hoặc không gì cả."
    )

    def run_import(self, path, *, dry_run):
        return import_attendance(path, dry_run=dry_run)
