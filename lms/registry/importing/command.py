"""The shape every import command shares: ``manage.py import_X PATH
[--dry-run]``, all or nothing, errors on stderr with exit status 1, counts
per sheet on stdout."""

import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _


class ImportCommand(BaseCommand):
    """Subclasses give ``help`` and ``run_import(path, dry_run=...)``, which
    returns the import's result (``ok``, ``errors``, ``counts``)."""

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi gì.")

    def handle(self, *args, path, dry_run, **options):
        result = self.run_import(path, dry_run=dry_run)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            sys.exit(1)
        if dry_run:
            self.stdout.write(_("Chạy thử: chưa ghi gì."))
        for sheet, counts in result.counts.items():
            line = _("%(sheet)s: %(created)d tạo mới, %(updated)d cập nhật, %(unchanged)d không đổi")
            self.stdout.write(line % {"sheet": sheet, **counts.as_dict()})
