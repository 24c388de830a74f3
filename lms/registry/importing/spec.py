"""Declarative description of a sheet, and binding a read table to it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from lms.registry.importing.issues import ImportIssue
from lms.registry.importing.parsers import Parser, text_parser
from lms.registry.importing.reader import Table, is_blank
from lms.registry.text import fold_key

_BRACKETS = re.compile(r"[(\[](.*?)[)\]]")


def header_keys(header: str) -> list[str]:
    """The ways a header cell may name a column: as written; without a note
    in brackets or a ``*`` marking it required ("Giới tính (F/M/X)",
    "Mã *"); or by the name in brackets ("code (Mã)")."""
    keys = [fold_key(header)]
    bare = fold_key(_BRACKETS.sub(" ", header).replace("*", " "))
    keys.append(bare)
    keys.extend(fold_key(inner) for inner in _BRACKETS.findall(header))
    return [k for k in keys if k]


@dataclass(frozen=True)
class Column:
    """A column of a sheet.

    ``name`` is the canonical header (used in error reports and as the key of
    ``Row.values``); ``aliases`` are other accepted headers (the Vietnamese
    ones). Headers match ignoring case, surrounding spaces, ``_``/``-`` and
    diacritics. A blank cell or an absent column takes ``default`` (a value,
    or a callable returning one); a blank cell in a ``required`` column is an
    error, and so is a ``required`` column missing from the header.
    """

    name: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    parser: Parser = field(default_factory=text_parser)
    default: Any = None

    def default_value(self) -> Any:
        return self.default() if callable(self.default) else self.default

    def headers(self) -> list[str]:
        return [self.name, *self.aliases]


@dataclass(frozen=True)
class SheetSpec:
    """A sheet: its name (and aliases, matched like headers) and its columns."""

    name: str
    columns: Sequence[Column]
    aliases: tuple[str, ...] = ()

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def matches(self, sheet_name: str) -> bool:
        wanted = {fold_key(n) for n in (self.name, *self.aliases)}
        key = fold_key(sheet_name)
        if key in wanted:
            return True
        # "people (1).csv" as saved by a browser that already had people.csv.
        base = key.rsplit("(", 1)[0].strip() if key.endswith(")") else key
        return base in wanted


@dataclass
class Row:
    """A data row after parsing: ``values`` holds every column of the spec
    (parsed value, or the default); ``invalid`` names the columns whose cell
    could not be parsed, so later checks can skip them."""

    number: int
    values: dict[str, Any]
    invalid: set[str] = field(default_factory=set)
    present: frozenset[str] = frozenset()

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)

    @property
    def ok(self) -> bool:
        return not self.invalid


def bind_table(table: Table, spec: SheetSpec) -> tuple[list[Row] | None, list[ImportIssue]]:
    """Match ``table``'s header to ``spec`` and parse each row.

    Returns ``(rows, issues)``; ``rows`` is None when the header itself is
    unusable (no header, a required column missing, a column given twice),
    in which case no row is checked.
    """
    issues: list[ImportIssue] = []

    def issue(row: int | None, column: str, message: str) -> None:
        issues.append(ImportIssue(spec.name, row, column, message))

    if table.header_row is None:
        issue(1, "", _("Trang tính không có dòng tiêu đề (dòng đầu tiên phải là tên các cột)."))
        return None, issues

    by_header: dict[str, Column] = {}
    for column in spec.columns:
        for header in column.headers():
            by_header.setdefault(fold_key(header), column)
    positions: dict[str, int] = {}
    for index, header in enumerate(table.header):
        if is_blank(header):
            continue
        column = next((by_header[k] for k in header_keys(str(header)) if k in by_header), None)
        if column is None:
            continue  # extra columns (notes, row numbers) are allowed and ignored
        if column.name in positions:
            issue(
                table.header_row,
                column.name,
                _("Cột “%(column)s” xuất hiện hai lần.") % {"column": column.name},
            )
            continue
        positions[column.name] = index
    for column in spec.columns:
        if column.required and column.name not in positions:
            names = " / ".join(column.headers())
            issue(table.header_row, column.name, _("Thiếu cột bắt buộc “%(names)s”.") % {"names": names})
    if issues:
        return None, issues

    present = frozenset(positions)
    absent = [c for c in spec.columns if c.name not in positions]
    bound = [(c, positions[c.name]) for c in spec.columns if c.name in positions]
    rows: list[Row] = []
    for number, cells in table.rows:
        values = {c.name: c.default_value() for c in absent}
        invalid: set[str] = set()
        for column, index in bound:
            raw = cells[index] if index < len(cells) else None
            if isinstance(raw, str):
                raw = raw.strip()
            if is_blank(raw):
                if column.required:
                    issue(number, column.name, _("Thiếu giá trị bắt buộc."))
                    invalid.add(column.name)
                    values[column.name] = None
                else:
                    values[column.name] = column.default_value()
                continue
            try:
                values[column.name] = column.parser(raw)
            except ValueError as exc:
                issue(number, column.name, str(exc))
                invalid.add(column.name)
                values[column.name] = None
        rows.append(Row(number=number, values=values, invalid=invalid, present=present))
    return rows, issues
