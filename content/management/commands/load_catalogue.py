"""``python manage.py load_catalogue [DIRECTORY] [--no-covers] [--check]``"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from content.loader import DEFAULT_DIRECTORY, CatalogueError, catalogue_load, catalogue_parse


class Command(BaseCommand):
    help = "Tạo hoặc cập nhật các khóa học từ các tệp YAML của danh mục (chạy lại nhiều lần vẫn an toàn)."

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?", default=str(DEFAULT_DIRECTORY))
        parser.add_argument("--no-covers", action="store_true", help="Không tạo ảnh bìa cho khóa học mới.")
        parser.add_argument("--check", action="store_true", help="Chỉ kiểm tra các tệp, không ghi gì.")

    def handle(self, *args, directory, no_covers, check, **options):
        path = Path(directory)
        if not path.is_dir():
            raise CommandError(_("Không tìm thấy thư mục %(path)s") % {"path": path})
        try:
            if check:
                courses = catalogue_parse(path)
                self.stdout.write(_("%(n)d khóa học hợp lệ.") % {"n": len(courses)})
                return
            report = catalogue_load(directory=path, covers=not no_covers)
        except CatalogueError as exc:
            raise CommandError(_("Danh mục khóa học có lỗi:") + "\n" + "\n".join(exc.problems)) from exc
        self.stdout.write(self.style.SUCCESS(report.summary()))
