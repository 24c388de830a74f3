"""Cell parsers: turn what a spreadsheet holds into Python values.

A parser receives a cell that is not blank (a stripped ``str`` from a CSV or
a text cell; an ``int``, ``float``, ``bool`` or ``datetime`` from a real Excel
cell) and returns the value, or raises ``ValueError`` whose message (in
Vietnamese) is shown to the user next to the row and column.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from lms.registry.text import fold_key

Parser = Callable[[Any], Any]

TRUE_WORDS = {"yes", "y", "true", "1", "co", "x", "dung"}
FALSE_WORDS = {"no", "n", "false", "0", "khong", "sai"}

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_VN_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")


def _as_text(value: Any) -> str:
    """A cell as text; Excel stores "123" typed as a number as 123.0."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def text_parser(*, max_length: int | None = None) -> Parser:
    """Free text, trimmed; too long is an error."""

    def parse(value: Any) -> str:
        text = _as_text(value)
        if max_length is not None and len(text) > max_length:
            raise ValueError(_("Dài quá %(max)d ký tự.") % {"max": max_length})
        return text

    return parse


def code_parser(*, max_length: int = 50) -> Parser:
    """A code chosen by people (case-sensitive, kept as typed); a number typed
    in Excel (stored as 123.0) is kept as its digits."""
    return text_parser(max_length=max_length)


def parse_bool(value: Any) -> bool:
    """yes/no, y/n, true/false, 1/0, có/không, and ``x`` for yes (any case, with or without marks)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    word = fold_key(_as_text(value))
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(
        _("“%(value)s” không phải là giá trị có/không (dùng: có, không, x, yes, no, 1, 0).")
        % {"value": _as_text(value)}
    )


def parse_date(value: Any) -> dt.date:
    """ISO ``YYYY-MM-DD``, Vietnamese ``DD/MM/YYYY``, or a real Excel date cell."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _as_text(value)
    match = _ISO_DATE.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _VN_DATE.match(text)
        if not match:
            raise ValueError(
                _("“%(value)s” không phải là ngày (dùng DD/MM/YYYY hoặc YYYY-MM-DD).") % {"value": text}
            )
        day, month, year = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(_("Ngày “%(value)s” không có trong lịch.") % {"value": text}) from None


def int_parser(*, min_value: int | None = None, max_value: int | Callable[[], int] | None = None) -> Parser:
    """A whole number within bounds (``max_value`` may be a callable, e.g. this year)."""

    def parse(value: Any) -> int:
        if isinstance(value, bool):
            raise ValueError(_("“%(value)s” không phải là số nguyên.") % {"value": value})
        if isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, int):
            number = value
        else:
            text = _as_text(value)
            if not re.fullmatch(r"[+-]?\d+", text):
                raise ValueError(_("“%(value)s” không phải là số nguyên.") % {"value": text})
            number = int(text)
        upper = max_value() if callable(max_value) else max_value
        if (min_value is not None and number < min_value) or (upper is not None and number > upper):
            raise ValueError(
                _("%(value)s nằm ngoài khoảng cho phép (%(min)s–%(max)s).")
                % {"value": number, "min": min_value if min_value is not None else "", "max": upper or ""}
            )
        return number

    return parse


def choice_parser(choices: Mapping[str, Iterable[str]], *, labels: Mapping[str, str] | None = None) -> Parser:
    """One of ``choices`` (value -> accepted aliases), matched ignoring case,
    spaces, ``_``/``-`` and diacritics. The value itself is always accepted.
    ``labels`` (value -> label) only improve the error message.
    """
    lookup: dict[str, str] = {}
    for value, aliases in choices.items():
        for word in (value, *aliases):
            lookup.setdefault(fold_key(str(word)), value)
    shown = ", ".join(
        f"{value} ({labels[value]})" if labels and value in labels else value for value in choices
    )

    def parse(value: Any) -> str:
        text = _as_text(value)
        found = lookup.get(fold_key(text))
        if found is None:
            raise ValueError(
                _("“%(value)s” không hợp lệ; chấp nhận: %(choices)s.") % {"value": text, "choices": shown}
            )
        return found

    return parse


def list_parser(item: Parser, *, separators: str = ",;") -> Parser:
    """Several values in one cell separated by any of ``separators``; returns a list, in order, without repeats."""
    pattern = re.compile("[" + re.escape(separators) + "]")

    def parse(value: Any) -> list:
        result: list = []
        for part in pattern.split(_as_text(value)):
            if part.strip():
                parsed = item(part.strip())
                if parsed not in result:
                    result.append(parsed)
        if not result:
            raise ValueError(_("Cần ít nhất một giá trị."))
        return result

    return parse
