"""Text helpers: Vietnamese-aware normalisation for search."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case ``text`` and strip Vietnamese diacritics ("Kế toán" -> "ke toan").

    ``đ`` is a letter of its own in Unicode, not ``d`` with a mark, so it is
    mapped by hand before the combining marks are dropped.
    """
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip().lower()
