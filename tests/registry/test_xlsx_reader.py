"""The streaming .xlsx reader against workbooks written the way Excel writes them."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from lms.registry.importing import UnreadableFile, read_tables
from lms.registry.importing.reader import _read_xlsx_openpyxl
from tests.factories.registry import make_workbook

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"

SHARED = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="{MAIN}" count="4" uniqueCount="4">
<si><t>code</t></si>
<si><t>full_name</t></si>
<si><r><rPr><b/></rPr><t>Nguyễn </t></r><r><t xml:space="preserve">Thị Hoa</t></r><rPh sb="0" eb="1"><t>ignored</t></rPh></si>
<si><t>established</t></si>
</sst>"""

STYLES = f"""<?xml version="1.0" encoding="UTF-8"?>
<styleSheet xmlns="{MAIN}">
<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy;@"/></numFmts>
<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="14"/></cellXfs>
</styleSheet>"""

SHEET = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!-- written by hand, as Excel would -->
<worksheet xmlns="{MAIN}" xmlns:r="{REL}"><dimension ref="A1:E4"/><sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>3</v></c><c r="D1" t="inlineStr"><is><t>ok</t></is></c><c r="E1" t="inlineStr"><is><t>n</t></is></c></row>
<row r="2"><c r="A2"><v>101</v></c><c r="B2" t="s"><v>2</v></c><c r="C2" s="1"><v>45366</v></c><c r="D2" t="b"><v>1</v></c><c r="E2"><f>1/4</f><v>0.25</v></c></row>
<row r="4"><c r="A4" t="str"><f>"P"&amp;"2"</f><v>P2</v></c><c r="C4" s="2"><v>1</v></c><c r="D4" t="e"><v>#N/A</v></c></row>
</sheetData></worksheet>"""

WORKBOOK = f"""<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="{MAIN}" xmlns:r="{REL}"><workbookPr date1904="{{date1904}}"/>
<sheets><sheet name="people" sheetId="1" r:id="rId1"/></sheets></workbook>"""

WORKBOOK_RELS = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{PKG}">
<Relationship Id="rId1" Type="{REL}/worksheet" Target="/xl/worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>
<Relationship Id="rId3" Type="{REL}/styles" Target="styles.xml"/>
</Relationships>"""

ROOT_RELS = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"""

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
</Types>"""


def excel_like(*, date1904: bool = False, sheet: str = SHEET) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK.format(date1904="1" if date1904 else "0"))
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/sharedStrings.xml", SHARED)
        archive.writestr("xl/styles.xml", STYLES)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


def test_reads_shared_and_inline_strings_numbers_dates_booleans_and_cached_formulas():
    [table] = read_tables(excel_like(), filename="book.xlsx")
    assert table.name == "people" and table.header_row == 1
    assert table.header == ["code", "full_name", "established", "ok", "n"]
    assert table.rows == [
        (2, (101, "Nguyễn Thị Hoa", dt.datetime(2024, 3, 15), True, 0.25)),  # noqa: DTZ001
        (4, ("P2", None, dt.datetime(1900, 1, 1), "#N/A")),  # noqa: DTZ001
    ]


@pytest.mark.filterwarnings("ignore:Workbook contains no default style")
def test_agrees_with_openpyxl_on_the_same_file():
    data = excel_like()
    ours = read_tables(data, filename="book.xlsx")
    theirs = _read_xlsx_openpyxl(data)
    assert [(t.name, t.header_row, t.header, t.rows) for t in ours] == [
        (t.name, t.header_row, t.header, t.rows) for t in theirs
    ]


def test_the_1904_date_system():
    [table] = read_tables(excel_like(date1904=True), filename="book.xlsx")
    assert table.rows[0][1][2] == dt.datetime(2028, 3, 16)  # noqa: DTZ001 - 45366 days after 1904-01-01


def test_workbooks_written_by_openpyxl():
    data = make_workbook({"a": [["x", "y"], [1, dt.date(2024, 1, 2)]], "b": [["z"], ["Đặng"]]})
    tables = read_tables(data, filename="book.xlsx")
    assert [(t.name, t.header, t.rows) for t in tables] == [
        ("a", ["x", "y"], [(2, (1, dt.datetime(2024, 1, 2)))]),  # noqa: DTZ001
        ("b", ["z"], [(2, ("Đặng",))]),
    ]


def test_a_part_with_a_doctype_is_refused():
    evil = SHEET.replace(
        "<!-- written by hand, as Excel would -->",
        '<!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>',
    ).replace("<v>0.25</v>", "<v>&lol2;</v>")
    with pytest.raises(UnreadableFile):
        read_tables(excel_like(sheet=evil), filename="book.xlsx")


def test_a_zip_that_is_not_a_workbook_is_unreadable():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    with pytest.raises(UnreadableFile):
        read_tables(buffer.getvalue(), filename="book.xlsx")
