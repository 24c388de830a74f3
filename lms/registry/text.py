"""Text helpers for Vietnamese: comparing words the way people type them."""

from __future__ import annotations

import functools
import re
import unicodedata

_SPACES = re.compile(r"\s+")
_SEPARATORS = re.compile(r"[\s_\-]+")


def fold(text: str) -> str:
    """Lower-case ``text`` and strip Vietnamese diacritics ("Kế toán" -> "ke toan").

    ``đ`` is a letter of its own in Unicode, not ``d`` with a mark, so it is
    mapped by hand before the combining marks are dropped.
    """
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip().lower()


@functools.lru_cache(maxsize=4096)
def fold_key(text: str) -> str:
    """``fold`` that also treats ``_``, ``-`` and spaces alike, for matching
    headers and choice values ("Person_Code" == "person code"). Cached: a
    column of roles or genders repeats the same few words thousands of times."""
    return _SEPARATORS.sub(" ", fold(text)).strip()


def nfc(text: str) -> str:
    """The composed form of ``text``: Windows-1258 and macOS write Vietnamese
    marks as separate characters, which would otherwise never compare equal."""
    return unicodedata.normalize("NFC", text)
