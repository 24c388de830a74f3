"""``restore``: put back the database and the media files from a ``backup`` archive."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lms.operations.services import BackupError, restore_apply, restore_prepare

YES = {"yes", "y", "có", "co", "c"}


class Command(BaseCommand):
    help = "Khôi phục cơ sở dữ liệu và tệp media từ một tệp sao lưu (thay toàn bộ dữ liệu hiện tại)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Tệp sao lưu .tar.gz do lệnh backup tạo")
        parser.add_argument("--yes", action="store_true", help="Không hỏi lại trước khi khôi phục")

    def handle(self, *args, path, yes, **options):
        with tempfile.TemporaryDirectory(prefix="nang-tam-restore-") as workdir:
            try:
                prepared = restore_prepare(archive=Path(path), workdir=Path(workdir))
            except BackupError as error:
                raise CommandError(error.message) from None
            manifest = prepared.manifest
            media = prepared.media_files
            self.stdout.write(
                _("Bản sao lưu tạo lúc %(created)s, cơ sở dữ liệu %(vendor)s, %(people)s người, %(files)s.")
                % {
                    "created": manifest.get("created_at"),
                    "vendor": manifest["database"]["vendor"],
                    "people": manifest.get("counts", {}).get("registry.Person", "?"),
                    "files": _("không kèm tệp media")
                    if media is None
                    else _("%(count)s tệp media") % {"count": len(media)},
                }
            )
            if not yes and not self._confirmed():
                raise CommandError(_("Đã hủy: không thay đổi gì."))
            try:
                counts = restore_apply(prepared=prepared)
            except BackupError as error:
                raise CommandError(error.message) from None
        expected = manifest.get("counts", {})
        differing = sorted(label for label, count in counts.items() if expected.get(label) != count)
        if differing:
            raise CommandError(
                _("Đã khôi phục nhưng số dòng không khớp bản sao lưu ở: %(tables)s.")
                % {"tables": ", ".join(differing)}
            )
        self.stdout.write(
            _(
                "Đã khôi phục từ %(path)s. Nếu mã nguồn mới hơn bản sao lưu, hãy chạy: python manage.py migrate"
            )
            % {"path": path}
        )

    def _confirmed(self) -> bool:
        prompt = _(
            "Khôi phục sẽ THAY TOÀN BỘ dữ liệu và tệp media hiện tại bằng bản sao lưu. Gõ “có” để tiếp tục: "
        )
        try:
            answer = input(prompt)
        except EOFError:
            return False
        return answer.strip().lower() in YES
