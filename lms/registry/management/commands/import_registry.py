"""python manage.py import_registry PATH [--dry-run]"""

from lms.registry.importing.command import ImportCommand
from lms.registry.services import registry_import


class Command(ImportCommand):
    help = (
        "Nhập sổ đăng ký từ bảng tính .xlsx (các trang org_units, cooperatives, people, "
        "affiliations, cadres) hoặc một tệp .csv; tất cả hoặc không gì cả."
    )

    def run_import(self, path, *, dry_run):
        return registry_import(source=path, dry_run=dry_run)
