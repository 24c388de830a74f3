"""Template helpers of the coverage pages: links that keep the report's
parameters, and figures formatted the Vietnamese way."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.formats import number_format

register = template.Library()


@register.simple_tag
def coverage_url(name: str, query: dict, *args, **overrides) -> str:
    """``reverse(name)`` with ``query`` updated by ``overrides`` (None drops a key)."""
    params = {**query, **overrides}
    params = {k: v for k, v in params.items() if v not in (None, "")}
    url = reverse(name, args=args)
    return f"{url}?{urlencode(params)}" if params else url


@register.filter
def figure(value, indicator) -> str:
    """A value as shown: ``80,0%`` for a percent indicator, ``1.234`` for a count."""
    if value is None:
        return "–"
    if indicator.is_percent:
        return f"{number_format(Decimal(value), 1)}%"
    return number_format(value, 0, force_grouping=True)


@register.filter
def count(value) -> str:
    if value is None:
        return "–"
    return number_format(value, 0, force_grouping=True)


@register.filter
def target(indicator) -> str:
    """The indicator's target: ``100%``, ``33,3%`` or ``267``."""
    value = Decimal(indicator.target)
    places = 0 if value == value.to_integral_value() else 1
    shown = number_format(value, places, force_grouping=not indicator.is_percent)
    return f"{shown}%" if indicator.is_percent else shown
