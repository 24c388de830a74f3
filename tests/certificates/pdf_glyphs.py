"""What a PDF really draws: each character shown, the font it is drawn
with, and whether that font has an outline for it.

Reads the page's content stream (text-showing operators and the font
selected for them), maps each glyph id back to its character through the
font's ToUnicode map, and looks the glyph up in the embedded font program
with fontTools. A character that fell back to a missing glyph shows up as
glyph 0 (.notdef), as a glyph without an outline, or in a font other than
the one asked for (fontconfig's fallback).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from fontTools.ttLib import TTFont
from pypdf import PdfReader

VIETNAMESE_LOWER = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"
VIETNAMESE = VIETNAMESE_LOWER + VIETNAMESE_LOWER.upper()


TEXT_OPS = re.compile(r"/([^\s/\[<(]+)\s+[\d.]+\s+Tf|\[([^\]]*)\]\s*TJ|(<[0-9a-fA-F]*>)\s*Tj")
HEX = re.compile(r"<([0-9a-fA-F]*)>")


@dataclass(frozen=True)
class Drawn:
    char: str
    font: str  # BaseFont without the subset tag, e.g. "DejaVu-Serif-Bold"
    glyph_id: int
    has_outline: bool


def _to_unicode(cmap: bytes) -> dict[int, str]:
    text = cmap.decode("latin-1")
    mapping: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            mapping[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, dst in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            start = int(dst, 16)
            for offset, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                mapping[code] = chr(start + offset)
    return mapping


def drawn_glyphs(pdf: bytes) -> list[Drawn]:
    reader = PdfReader(io.BytesIO(pdf))
    drawn: list[Drawn] = []
    for page in reader.pages:
        fonts = {}
        for name, ref in page["/Resources"]["/Font"].items():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            assert descendant["/CIDToGIDMap"] == "/Identity"
            program = TTFont(io.BytesIO(descendant["/FontDescriptor"]["/FontFile2"].get_object().get_data()))
            fonts[name] = (
                str(font["/BaseFont"]).split("+", 1)[-1],
                _to_unicode(font["/ToUnicode"].get_object().get_data()),
                program["glyf"],
                program.getGlyphOrder(),
            )
        # WeasyPrint writes CID text as hex strings: "/F1 14 Tf [<002b>0<0662>] TJ".
        stream = page.get_contents().get_data().decode("latin-1")
        current = None
        for font_name, array, single in TEXT_OPS.findall(stream):
            if font_name:
                current = fonts["/" + font_name]
                continue
            base_font, to_unicode, glyf, order = current
            for hex_string in HEX.findall(array or single):
                raw = bytes.fromhex(hex_string)
                for i in range(0, len(raw), 2):
                    gid = int.from_bytes(raw[i : i + 2], "big")
                    outline = gid < len(order) and glyf[order[gid]].numberOfContours != 0
                    for char in to_unicode.get(gid, "\ufffd"):
                        drawn.append(Drawn(char, base_font, gid, outline))
    return drawn


def missing_glyphs(pdf: bytes, text: str, *, family: str) -> set[str]:
    """The letters of ``text`` not drawn with a real glyph of ``family``."""
    good = {
        d.char for d in drawn_glyphs(pdf) if d.glyph_id != 0 and d.has_outline and d.font.startswith(family)
    }
    return {c for c in text if not c.isspace() and c not in good}
