"""Tabular import: ``.xlsx`` workbooks and ``.csv`` files into models,
all or nothing. The registry import (``lms.registry.imports``) and the
attendance import build on it.

Public API (import everything from ``lms.registry.importing``)
==============================================================

Describing sheets
-----------------
``Column(name, aliases=(), required=False, parser=text_parser(), default=None)``
    ``name`` is the canonical header, used in error reports and as the key of
    ``Row.values``; ``aliases`` are other accepted headers (Vietnamese).
    Headers match ignoring case, surrounding spaces, ``_``/``-``/spaces and
    Vietnamese diacritics (``fold_key``); a note in brackets or a ``*`` is
    ignored ("Giới tính (F/M/X)", "Mã *") and a name in brackets also
    counts ("code (Mã)"). A blank cell or a column absent from
    the header takes ``default`` (a value or a callable); a blank cell in a
    ``required`` column, or a ``required`` column absent from the header, is
    an error. Columns not in the spec are ignored.

``SheetSpec(name, columns=[...], aliases=())``
    A sheet of a workbook, or a ``.csv`` file whose stem is ``name`` (or an
    alias; "people (1).csv" also matches "people"). Sheets of a workbook that
    match no spec are ignored; a file where none matches is an error.

Parsers (``Callable[[cell], value]``; raise ``ValueError(message)``)
    A parser gets a cell that is not blank: a stripped ``str`` (NFC), or an
    ``int``/``float``/``bool``/``datetime`` from a real Excel cell.
    ``text_parser(max_length=None)``, ``code_parser(max_length=50)``
    (a number typed in Excel keeps its digits: 123.0 -> "123"),
    ``parse_bool`` (yes/no, y/n, true/false, 1/0, có/không, ``x`` = yes),
    ``parse_date`` (``YYYY-MM-DD``, ``DD/MM/YYYY``, real Excel dates),
    ``int_parser(min_value=, max_value=)`` (``max_value`` may be a callable),
    ``choice_parser({value: (alias, ...)}, labels={value: label})`` (matched
    like headers; the value itself is always accepted),
    ``list_parser(item_parser, separators=",;")`` (several values in a cell).

Writing the sheet logic
-----------------------
``SheetImporter``
    Subclass with ``spec = SheetSpec(...)`` and three methods; a fresh
    instance per import:

    ``validate(rows: list[Row], ctx: ImportContext) -> None``
        Check rows and plan writes; never write. Look things up by set
        (``ctx.lookup`` / ``fetch_in`` / ``fetch_in_list``), never one query
        per row. Report with ``ctx.error(row, column, message)``. Rows whose
        cells failed to parse are already reported and have ``row.ok`` False
        (``row.invalid`` names the columns); skip planning them.
    ``counts() -> SheetCounts``
        What ``apply`` will do (shown by dry runs).
    ``apply(ctx) -> SheetCounts``
        Write, in bulk. Runs inside the import's single transaction, only
        when no sheet of the file had an error, in the importers' order.

``Row``: ``row.number`` (as Excel shows it), ``row["column"]`` (parsed value
    or default), ``row.ok``, ``row.invalid``, ``row.present`` (columns in the
    header).

``ImportContext``: ``user``, ``scope`` (passed to ``run_import``),
    ``dry_run``, ``error(row, column, message)``, ``define(Model, code, obj)``
    (offer an object to later sheets before it exists),
    ``lookup(Model, codes, field="code", queryset=None) -> {code: obj}``
    (defined in this file first, then the database, in chunks), ``state``
    (a dict the importers may share).

``Upsert(Model, fields=[...], batch_size=1000)``
    Plans creates and updates: ``add(existing=obj_or_None, key={...},
    values={...}, instance=None)`` plans a create when ``existing`` is None,
    otherwise sets only the differing ``values`` (a row that changes nothing
    counts as unchanged). Foreign-key values may be objects created by an
    earlier sheet of the same file. ``apply()`` does ``bulk_create`` and
    ``bulk_update`` and returns ``SheetCounts``; ``create(objs)`` and
    ``update()`` are the two halves, ``to_create`` / ``to_update`` the plan.

``fetch_in(queryset, field, values) -> {value: obj}`` and
``fetch_in_list(queryset, field, values) -> [obj]``: ``__in`` lookups in
chunks of ``LOOKUP_CHUNK``.

Running
-------
``run_import(source, *, importers, filename=None, user=None, scope=None, dry_run=False) -> ImportResult``
    ``source``: a path, bytes or a binary file object (an ``UploadedFile``);
    ``filename`` (default: the path or the object's ``name``) decides the
    format by its extension and names a CSV's sheet. Reads the file, binds
    each matching sheet in the importers' order, validates them all, collects
    every error; when there is none and ``dry_run`` is false, applies every
    sheet in one transaction. Never raises for bad input.

``ImportResult``: ``ok``, ``written``, ``dry_run``, ``counts`` (sheet name
    -> ``SheetCounts(created, updated, unchanged)``, in order), ``errors``
    (list of ``ImportIssue``), ``as_dict()`` -> ``{"errors": [...]}`` or
    ``{"dry_run": bool, "counts": {sheet: {"created", "updated",
    "unchanged"}}}``.

``ImportIssue(sheet, row, column, message)``: ``as_dict()`` gives the API
    shape ``{"sheet", "row", "column", "message"}``; ``str()`` gives the
    command's line ``sheet, row, column: message``. File-level errors
    (unreadable, empty, no known sheet) have an empty sheet and a None row.

Reading only
------------
``read_tables(source, filename=None) -> list[Table]`` and ``UnreadableFile``:
    ``.xlsx`` with every sheet (values only: a formula gives its cached
    result, a date-formatted cell a ``datetime``; read by a streaming reader,
    ``importing.xlsx``, with openpyxl's read-only mode as the fallback), or
    one ``.csv`` (UTF-8 with or without BOM, else Windows-1258; comma,
    semicolon or tab; text normalised to NFC). ``Table(name, header,
    header_row, rows=[(number, cells)])``; the header is the first non-empty
    row; empty rows are skipped. ``.xls`` and other formats are refused with
    a message saying what to do.
"""

from lms.registry.importing.issues import ImportIssue, UnreadableFile
from lms.registry.importing.parsers import (
    Parser,
    choice_parser,
    code_parser,
    int_parser,
    list_parser,
    parse_bool,
    parse_date,
    text_parser,
)
from lms.registry.importing.reader import Table, read_tables
from lms.registry.importing.runner import ImportContext, ImportResult, SheetImporter, run_import
from lms.registry.importing.spec import Column, Row, SheetSpec, bind_table
from lms.registry.importing.upsert import LOOKUP_CHUNK, SheetCounts, Upsert, fetch_in, fetch_in_list
from lms.registry.text import fold, fold_key

__all__ = [
    "LOOKUP_CHUNK",
    "Column",
    "ImportContext",
    "ImportIssue",
    "ImportResult",
    "Parser",
    "Row",
    "SheetCounts",
    "SheetImporter",
    "SheetSpec",
    "Table",
    "UnreadableFile",
    "Upsert",
    "bind_table",
    "choice_parser",
    "code_parser",
    "fetch_in",
    "fetch_in_list",
    "fold",
    "fold_key",
    "int_parser",
    "list_parser",
    "parse_bool",
    "parse_date",
    "read_tables",
    "run_import",
    "text_parser",
]
