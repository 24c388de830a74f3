"""Running an import: read, validate every sheet, then write all or nothing."""

from __future__ import annotations

import logging
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from django.utils.translation import gettext as _

from lms.registry.importing.issues import ImportIssue, UnreadableFile
from lms.registry.importing.reader import Table, read_tables
from lms.registry.importing.spec import Row, SheetSpec, bind_table
from lms.registry.importing.upsert import SheetCounts, fetch_in

logger = logging.getLogger(__name__)


@dataclass
class ImportContext:
    """What the sheets of one import share.

    ``user`` is the account importing (None for a command run by the
    operator); ``scope`` is the unit it is limited to (None: everything).
    ``error()`` records an issue on the sheet being validated. ``known`` holds
    the objects each sheet defines, by model and code, so a later sheet finds
    them before they exist in the database (``lookup``). ``state`` is free
    room for importers to share anything else.
    """

    user: Any = None
    scope: Any = None
    dry_run: bool = False
    issues: list[ImportIssue] = field(default_factory=list)
    sheet: str = ""
    known: dict[type, dict[Hashable, models.Model]] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict)

    def error(self, row: Row | int | None, column: str, message: str) -> None:
        number = row.number if isinstance(row, Row) else row
        self.issues.append(ImportIssue(self.sheet, number, column, str(message)))

    def define(self, model: type[models.Model], key: Hashable, obj: models.Model) -> None:
        self.known.setdefault(model, {})[key] = obj

    def lookup(
        self,
        model: type[models.Model],
        keys: Iterable[Hashable],
        *,
        field: str = "code",
        queryset: models.QuerySet | None = None,
    ) -> dict[Hashable, models.Model]:
        """Objects of ``model`` by ``field``: those defined earlier in the file
        first, the rest from the database in a few queries."""
        keys = {k for k in keys if k is not None}
        defined = self.known.get(model, {})
        found = {k: defined[k] for k in keys if k in defined}
        missing = keys - found.keys()
        if missing:
            qs = queryset if queryset is not None else model._default_manager.all()
            found.update(fetch_in(qs, field, missing))
        return found


class SheetImporter:
    """Validates and writes one sheet. Subclass it and set ``spec``.

    ``validate(rows, ctx)`` checks the parsed rows (looking things up by set,
    never one query per row), reports problems with ``ctx.error(row, column,
    message)`` and plans the writes; it must not write. ``counts()`` says
    what ``apply`` will do; ``apply(ctx)`` writes (inside the import's
    transaction, only when no sheet had an error) and returns the counts.
    A fresh importer is made for every import.
    """

    spec: SheetSpec

    def validate(self, rows: list[Row], ctx: ImportContext) -> None:
        raise NotImplementedError

    def counts(self) -> SheetCounts:
        raise NotImplementedError

    def apply(self, ctx: ImportContext) -> SheetCounts:
        raise NotImplementedError


@dataclass
class ImportResult:
    """``counts``: sheet name -> SheetCounts for the sheets found, in order;
    ``errors``: every ImportIssue (empty on success); ``dry_run``: nothing
    was written (also true when there were errors)."""

    counts: dict[str, SheetCounts] = field(default_factory=dict)
    errors: list[ImportIssue] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    def as_dict(self) -> dict:
        if self.errors:
            return {"errors": [e.as_dict() for e in self.errors]}
        return {"dry_run": self.dry_run, "counts": {k: v.as_dict() for k, v in self.counts.items()}}


def _match(tables: list[Table], importers: Sequence[SheetImporter]) -> tuple[list, list[ImportIssue]]:
    pairs, issues = [], []
    for importer in importers:
        found = [t for t in tables if importer.spec.matches(t.name)]
        if len(found) > 1:
            issues.append(
                ImportIssue(
                    importer.spec.name,
                    None,
                    "",
                    _("Có %(n)d trang tính cùng là “%(sheet)s”; chỉ được có một.")
                    % {"n": len(found), "sheet": importer.spec.name},
                )
            )
        elif found:
            pairs.append((importer, found[0]))
    if not pairs and not issues:
        names = ", ".join(i.spec.name for i in importers)
        issues.append(
            ImportIssue(
                "",
                None,
                "",
                _("Không có trang tính nào cần nhập. Tên trang tính (hoặc tên tệp CSV) phải là: %(names)s.")
                % {"names": names},
            )
        )
    return pairs, issues


def run_import(
    source: str | bytes | IO[bytes],
    *,
    importers: Sequence[SheetImporter],
    filename: str | None = None,
    user: Any = None,
    scope: Any = None,
    dry_run: bool = False,
) -> ImportResult:
    """Import ``source`` (path, bytes or uploaded file) with ``importers``,
    in their order. Every sheet is validated and every error collected; when
    there is none and ``dry_run`` is false, every sheet is applied in one
    transaction. Never raises for bad input: problems come back as errors.
    """
    order = {imp.spec.name: i for i, imp in enumerate(importers)}
    try:
        tables = read_tables(source, filename=filename)
    except UnreadableFile as exc:
        return ImportResult(errors=[ImportIssue("", None, "", exc.message)], dry_run=True)
    pairs, issues = _match(tables, importers)
    ctx = ImportContext(user=user, scope=scope, dry_run=dry_run, issues=issues)
    for importer, table in pairs:
        ctx.sheet = importer.spec.name
        rows, header_issues = bind_table(table, importer.spec)
        ctx.issues.extend(header_issues)
        importer.validate(rows or [], ctx)
    if ctx.issues:
        errors = sorted(ctx.issues, key=lambda e: (order.get(e.sheet, -1), e.row or 0))
        return ImportResult(errors=errors, dry_run=True)
    counts = {imp.spec.name: imp.counts() for imp, _table in pairs}
    if dry_run:
        return ImportResult(counts=counts, dry_run=True)
    try:
        with transaction.atomic():
            for importer, _table in pairs:
                ctx.sheet = importer.spec.name
                counts[importer.spec.name] = importer.apply(ctx)
    except (DatabaseError, ValidationError) as exc:
        logger.warning("Import failed while writing: %s", exc)
        message = _(
            "Không ghi được dữ liệu (có thể do người khác vừa sửa cùng lúc); chưa có gì được ghi. Hãy thử lại."
        )
        return ImportResult(errors=[ImportIssue(ctx.sheet, None, "", message)], dry_run=True)
    return ImportResult(counts=counts, dry_run=False)
