"""A streaming reader of the cell values of an ``.xlsx`` workbook.

openpyxl's read-only mode builds a descriptor object per cell and, when a
sheet lacks its ``<dimension>``, parses it twice; on a 2-core machine that
made reading 20,000 rows take most of an import. This reader walks the same
XML once with the C parser and keeps only values (the cached result of a
formula, like openpyxl's ``data_only``). Date cells are recognised by their
number format, as openpyxl does, with openpyxl's own tables. A part with a
DOCTYPE is refused (so no entity can be declared, let alone expanded), and
the archive's unpacked size is capped against zip bombs.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from xml.etree.ElementTree import XMLPullParser
from xml.etree.ElementTree import fromstring as _fromstring

from django.utils.translation import gettext as _

from lms.registry.importing.issues import UnreadableFile

MAX_UNPACKED_BYTES = 500 * 1024 * 1024
CHUNK = 256 * 1024
# The prolog a part may have before its root element: declarations,
# processing instructions and comments, but no DOCTYPE (hence no entities).
_PROLOG = re.compile(rb"(?:\xef\xbb\xbf)?(?:\s+|<\?.*?\?>|<!--.*?-->)*<[A-Za-z_]", re.DOTALL)


def _check_prolog(head: bytes) -> None:
    if not _PROLOG.match(head):
        raise UnreadableFile(_("Tệp không phải là bảng tính Excel (.xlsx) hợp lệ, hoặc đã bị hỏng."))


def fromstring(data: bytes):
    _check_prolog(data[:CHUNK])
    return _fromstring(data)  # noqa: S314 - no DOCTYPE, hence no entity: checked just above


def iterparse(stream, events=("end",)) -> Iterator[tuple[str, object]]:
    """``ElementTree.iterparse`` with the C parser, refusing a DOCTYPE."""
    parser = XMLPullParser(events=events)
    head = stream.read(CHUNK)
    _check_prolog(head)
    chunk = head
    while chunk:
        parser.feed(chunk)
        yield from parser.read_events()
        chunk = stream.read(CHUNK)
    parser.close()
    yield from parser.read_events()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _namespace(tag: str) -> str:
    return tag[: tag.index("}") + 1] if tag.startswith("{") else ""


_COLUMNS: dict[str, int] = {}


def _column(ref: str) -> int:
    """1-based column of a cell reference ("C12" -> 3)."""
    letters = ref.rstrip("0123456789")
    index = _COLUMNS.get(letters)
    if index is None:
        index = 0
        for ch in letters:
            index = index * 26 + ord(ch) - 64
        _COLUMNS[letters] = index
    return index


def _resolve(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, resolved target) of ``part``."""
    rels_path = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
    if rels_path not in archive.NameToInfo:
        return {}
    root = fromstring(archive.read(rels_path))
    return {
        rel.get("Id"): (rel.get("Type", ""), _resolve(part, rel.get("Target", "")))
        for rel in root
        if _local(rel.tag) == "Relationship" and rel.get("TargetMode") != "External"
    }


def _text(element, ns: str) -> str:
    """The text of a string item: its ``t``, or its rich-text runs, without phonetic guides."""
    direct = element.find(f"{ns}t")
    if direct is not None:
        return direct.text or ""
    return "".join(t.text or "" for r in element.iterfind(f"{ns}r") for t in r.iterfind(f"{ns}t"))


def _shared_strings(archive: zipfile.ZipFile, path: str | None) -> list[str]:
    if not path or path not in archive.NameToInfo:
        return []
    strings: list[str] = []
    ns = None
    with archive.open(path) as stream:
        for _event, element in iterparse(stream, events=("end",)):
            if _local(element.tag) == "si":
                ns = ns if ns is not None else _namespace(element.tag)
                strings.append(_text(element, ns))
                element.clear()
    return strings


def _date_styles(archive: zipfile.ZipFile, path: str | None) -> set[int]:
    """Indexes of the cell formats (``s`` attribute) that show a date."""
    # Imported here: openpyxl weighs about 15 MB in every process otherwise.
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

    if not path or path not in archive.NameToInfo:
        return set()
    root = fromstring(archive.read(path))
    ns = _namespace(root.tag)
    custom = {
        int(fmt.get("numFmtId")): fmt.get("formatCode", "")
        for fmt in root.iterfind(f"{ns}numFmts/{ns}numFmt")
        if fmt.get("numFmtId", "").isdigit()
    }
    styles = set()
    for index, xf in enumerate(root.iterfind(f"{ns}cellXfs/{ns}xf")):
        fmt_id = int(xf.get("numFmtId", "0") or 0)
        code = custom.get(fmt_id, BUILTIN_FORMATS.get(fmt_id, ""))
        if code and is_date_format(code):
            styles.add(index)
    return styles


def _rows(stream, *, ns: str, shared: list[str], dates: set[int], epoch) -> Iterator[tuple[int, tuple]]:
    from openpyxl.utils.datetime import from_excel

    row_tag, cell_tag = f"{ns}row", f"{ns}c"
    value_tag, inline_tag = f"{ns}v", f"{ns}is"
    number = 0
    for _event, element in iterparse(stream, events=("end",)):
        if element.tag != row_tag:
            continue
        number = int(element.get("r") or number + 1)
        values: dict[int, object] = {}
        column = 0
        for cell in element:
            if cell.tag != cell_tag:
                continue
            ref = cell.get("r")
            column = _column(ref) if ref else column + 1
            kind = cell.get("t", "n")
            if kind == "inlineStr":
                inline = cell.find(inline_tag)
                values[column] = _text(inline, ns) if inline is not None else None
                continue
            raw = cell.findtext(value_tag)
            if raw is None:
                continue
            if kind == "s":
                values[column] = shared[int(raw)]
            elif kind == "b":
                values[column] = raw.strip() in ("1", "true")
            elif kind in ("str", "e"):
                values[column] = raw
            elif kind == "d":
                values[column] = dt.datetime.fromisoformat(raw.rstrip("Z"))
            else:
                value = float(raw) if any(ch in raw for ch in ".eE") else int(raw)
                style = cell.get("s")
                if style is not None and int(style) in dates:
                    value = from_excel(value, epoch)
                values[column] = value
        element.clear()
        width = max(values) if values else 0
        yield number, tuple(values.get(i) for i in range(1, width + 1))


def read_xlsx(data: bytes) -> list[tuple[str, Iterator[tuple[int, tuple]]]]:
    """``[(sheet name, rows)]`` in workbook order; ``rows`` yields
    ``(row number, cells)`` for the rows the file holds (gaps are skipped).

    Raises ``UnreadableFile`` for a file that is not an OOXML workbook.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise UnreadableFile(_("Tệp không phải là bảng tính Excel (.xlsx) hợp lệ, hoặc đã bị hỏng.")) from exc
    if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
        raise UnreadableFile(_("Bảng tính quá lớn để nhập một lần; hãy chia nhỏ tệp."))
    office = [t for kind, t in _relationships(archive, "").values() if kind.endswith("/officeDocument")]
    workbook_path = office[0] if office else "xl/workbook.xml"
    if workbook_path not in archive.NameToInfo:
        raise UnreadableFile(_("Tệp không phải là bảng tính Excel (.xlsx) hợp lệ, hoặc đã bị hỏng."))
    workbook = fromstring(archive.read(workbook_path))
    ns = _namespace(workbook.tag)
    properties = workbook.find(f"{ns}workbookPr")
    date1904 = properties is not None and properties.get("date1904", "").lower() in ("1", "true")
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

    epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
    rels = _relationships(archive, workbook_path)
    by_type = {kind.rsplit("/", 1)[-1]: target for kind, target in rels.values()}
    shared = _shared_strings(archive, by_type.get("sharedStrings"))
    dates = _date_styles(archive, by_type.get("styles"))
    sheets = []
    for sheet in workbook.iterfind(f"{ns}sheets/{ns}sheet"):
        rid = next((v for k, v in sheet.attrib.items() if _local(k) == "id"), None)
        kind, target = rels.get(rid, ("", ""))
        if not kind.endswith("/worksheet") or target not in archive.NameToInfo:
            continue  # chart sheets, dialog sheets
        stream = archive.open(target)
        sheets.append((sheet.get("name", ""), _rows(stream, ns=ns, shared=shared, dates=dates, epoch=epoch)))
    return sheets
