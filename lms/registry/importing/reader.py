"""Reading an uploaded ``.xlsx`` workbook or ``.csv`` file into plain tables."""

from __future__ import annotations

import csv
import io
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from lms.registry.importing.issues import UnreadableFile
from lms.registry.importing.xlsx import read_xlsx
from lms.registry.text import nfc

XLSX_EXTENSIONS = {".xlsx", ".xlsm"}
CSV_EXTENSIONS = {".csv", ".txt"}
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 .xls


@dataclass
class Table:
    """One sheet: its name, its rows as ``(row number as Excel shows it, cells)``.

    The header is the first row that is not empty; ``header_row`` is its number
    (None when the sheet holds nothing at all). ``rows`` are the rows below it.
    """

    name: str
    header: list[Any] = field(default_factory=list)
    header_row: int | None = None
    rows: list[tuple[int, tuple]] = field(default_factory=list)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _table(name: str, numbered_rows) -> Table:
    table = Table(name=name)
    for number, cells in numbered_rows:
        cells = tuple(nfc(c) if isinstance(c, str) else c for c in cells)
        if table.header_row is None:
            if any(not is_blank(c) for c in cells):
                table.header, table.header_row = list(cells), number
            continue
        if any(not is_blank(c) for c in cells):
            table.rows.append((number, cells))
    return table


def _read_bytes(source: str | os.PathLike | bytes | IO[bytes]) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, (str, os.PathLike)):
        try:
            return Path(source).read_bytes()
        except OSError as exc:
            raise UnreadableFile(_("Không mở được tệp: %(error)s") % {"error": exc.strerror or exc}) from exc
    if hasattr(source, "seek"):
        source.seek(0)
    data = source.read()
    return data.encode() if isinstance(data, str) else data


def read_tables(source: str | os.PathLike | bytes | IO[bytes], *, filename: str | None = None) -> list[Table]:
    """Read every sheet of an ``.xlsx`` workbook, or the one table of a ``.csv``.

    ``source`` is a path, the file's bytes or a binary file object (an
    ``UploadedFile``); ``filename`` (defaults to the path or the object's
    ``name``) decides the format by its extension and names a CSV's sheet by
    its stem. Raises ``UnreadableFile`` with a Vietnamese message when the
    file cannot be read or holds nothing.
    """
    if filename is None:
        filename = (
            str(source) if isinstance(source, (str, os.PathLike)) else getattr(source, "name", "") or ""
        )
    filename = os.path.basename(str(filename))
    stem, extension = os.path.splitext(filename)
    extension = extension.lower()
    data = _read_bytes(source)
    if not data.strip():
        raise UnreadableFile(_("Tệp rỗng, không có dữ liệu."))
    if data.startswith(OLE_MAGIC) or extension == ".xls":
        raise UnreadableFile(
            _("Tệp Excel 97-2003 (.xls) không được hỗ trợ. Hãy mở bằng Excel và lưu lại dạng .xlsx.")
        )
    if extension in XLSX_EXTENSIONS or (not extension and data.startswith(ZIP_MAGIC)):
        tables = _read_xlsx(data)
    elif extension in CSV_EXTENSIONS or not extension:
        tables = [_read_csv(data, name=stem)]
    else:
        raise UnreadableFile(
            _("Không đọc được tệp “%(name)s”: chỉ nhận bảng tính Excel (.xlsx) hoặc tệp .csv.")
            % {"name": filename}
        )
    if all(table.header_row is None for table in tables):
        raise UnreadableFile(_("Tệp không có dữ liệu: mọi trang tính đều trống."))
    return tables


def _read_xlsx(data: bytes) -> list[Table]:
    if not data.startswith(ZIP_MAGIC):
        raise UnreadableFile(_("Tệp không phải là bảng tính Excel (.xlsx) hợp lệ."))
    try:
        return [_table(name, rows) for name, rows in read_xlsx(data)]
    except UnreadableFile:
        raise
    except Exception:  # noqa: BLE001 - a layout the streaming reader does not know: let openpyxl try
        return _read_xlsx_openpyxl(data)


def _read_xlsx_openpyxl(data: bytes) -> list[Table]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise UnreadableFile(_("Tệp không phải là bảng tính Excel (.xlsx) hợp lệ, hoặc đã bị hỏng.")) from exc
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a broken file
        raise UnreadableFile(_("Tệp không phải là bảng tính Excel (.xlsx) hợp lệ, hoặc đã bị hỏng.")) from exc
    try:
        tables = []
        for sheet in workbook.worksheets:
            if hasattr(sheet, "reset_dimensions"):
                # Some programs write wrong dimensions; read every row there is.
                sheet.reset_dimensions()
            tables.append(_table(sheet.title, enumerate(sheet.iter_rows(values_only=True), start=1)))
        return tables
    except Exception as exc:  # noqa: BLE001 - a corrupt sheet may fail while it is read
        raise UnreadableFile(_("Bảng tính Excel bị hỏng, không đọc hết được.")) from exc
    finally:
        workbook.close()


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise UnreadableFile(_("Tệp không phải là tệp văn bản CSV."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1258")
        except UnicodeDecodeError as exc:
            raise UnreadableFile(
                _("Không nhận ra bảng mã của tệp CSV. Hãy lưu lại dạng “CSV UTF-8”.")
            ) from exc
    return nfc(text)


def _delimiter(text: str) -> str:
    """Comma, semicolon or tab: the one the header line uses most.

    Headers hold no separators of their own, so counting them on the first
    line is steadier than sniffing data rows whose names may contain commas.
    """
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(data: bytes, *, name: str) -> Table:
    text = _decode(data)
    delimiter = _delimiter(text)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise UnreadableFile(_("Tệp CSV sai định dạng: %(error)s") % {"error": exc}) from exc
    return _table(name, enumerate((tuple(r) for r in rows), start=1))
