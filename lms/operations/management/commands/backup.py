"""``backup``: one archive holding the database and the media files."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lms.operations.services import BackupError, backup_create


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu và tệp media vào một tệp nén .tar.gz."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", help="Tệp sao lưu (mặc định: nang-tam-NGÀYGIỜ.tar.gz trong thư mục hiện tại)"
        )
        parser.add_argument("--no-media", action="store_true", help="Chỉ sao lưu cơ sở dữ liệu")

    def handle(self, *args, output, no_media, **options):
        if not output:
            stamp = datetime.datetime.now(tz=datetime.UTC).strftime("%Y%m%d-%H%M%S")
            output = f"nang-tam-{stamp}.tar.gz"
        try:
            result = backup_create(output=Path(output), include_media=not no_media)
        except BackupError as error:
            raise CommandError(error.message) from None
        manifest = result.manifest
        media = manifest["media"]
        self.stdout.write(
            _("Đã sao lưu vào %(path)s: cơ sở dữ liệu %(vendor)s (%(size)s byte), %(files)s.")
            % {
                "path": result.path,
                "vendor": manifest["database"]["vendor"],
                "size": manifest["database"]["size"],
                "files": (
                    _("không kèm tệp media")
                    if media is None
                    else _("%(count)s tệp media (%(size)s byte)")
                    % {"count": len(media), "size": sum(m["size"] for m in media)}
                ),
            }
        )
