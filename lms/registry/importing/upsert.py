"""Planning and applying creates/updates in bulk."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models

LOOKUP_CHUNK = 900  # under SQLite's older limit of 999 bound parameters


@dataclass
class SheetCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


def fetch_in(queryset: models.QuerySet, field: str, values: Iterable[Hashable]) -> dict[Any, models.Model]:
    """The rows of ``queryset`` whose ``field`` is in ``values``, keyed by it.

    One query per ``LOOKUP_CHUNK`` values, never one per value.
    """
    wanted = sorted({v for v in values if v is not None}, key=str)
    found: dict[Any, models.Model] = {}
    attname = field.replace("__", ".")
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        chunk = wanted[start : start + LOOKUP_CHUNK]
        for obj in queryset.filter(**{f"{field}__in": chunk}):
            key: Any = obj
            for part in attname.split("."):
                key = getattr(key, part)
            found[key] = obj
    return found


def fetch_in_list(queryset: models.QuerySet, field: str, values: Iterable[Hashable]) -> list[models.Model]:
    """Like ``fetch_in`` but returns every matching row (``field`` need not be unique)."""
    wanted = sorted({v for v in values if v is not None}, key=str)
    found: list[models.Model] = []
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        found.extend(queryset.filter(**{f"{field}__in": wanted[start : start + LOOKUP_CHUNK]}))
    return found


def _differs(obj: models.Model, name: str, value: Any) -> bool:
    field = obj._meta.get_field(name)
    if field.is_relation and field.many_to_one:
        current = getattr(obj, field.attname)
        if value is None:
            return current is not None
        return value.pk is None or value.pk != current
    return getattr(obj, name) != value


class Upsert:
    """The writes one sheet will make on ``model``: new objects to create and
    existing ones to update, decided row by row during validation and written
    in bulk by ``apply()``.

    ``add(existing=..., key=..., values=...)``: when ``existing`` is None a new
    ``model(**key, **values)`` is planned; otherwise only the ``values`` that
    differ are set on it, and an object with no difference counts as
    unchanged. Values of foreign keys may be objects not yet saved (defined by
    an earlier sheet): they get their primary key before this sheet is applied.
    """

    def __init__(self, model: type[models.Model], *, fields: Sequence[str], batch_size: int = 1000):
        self.model = model
        self.fields = list(fields)
        self.batch_size = batch_size
        self.to_create: list[models.Model] = []
        self.to_update: list[models.Model] = []
        self.changed_fields: set[str] = set()
        self.unchanged = 0

    def add(
        self,
        *,
        existing: models.Model | None,
        key: dict[str, Any],
        values: dict[str, Any],
        instance: models.Model | None = None,
    ) -> models.Model:
        """Plan one row; returns the object that will be written (or is unchanged).

        ``instance``: an unsaved object to fill and create instead of a new
        one, for a sheet that hands its objects out before planning them.
        """
        if existing is None:
            obj = instance if instance is not None else self.model()
            for name, value in {**key, **values}.items():
                setattr(obj, name, value)
            self.to_create.append(obj)
            return obj
        changed = [name for name in self.fields if name in values and _differs(existing, name, values[name])]
        if changed:
            for name in changed:
                setattr(existing, name, values[name])
            self.changed_fields.update(changed)
            self.to_update.append(existing)
        else:
            self.unchanged += 1
        return existing

    @property
    def counts(self) -> SheetCounts:
        return SheetCounts(created=len(self.to_create), updated=len(self.to_update), unchanged=self.unchanged)

    def create(self, objs: list[models.Model] | None = None) -> None:
        objs = self.to_create if objs is None else objs
        if objs:
            self.model._default_manager.bulk_create(objs, batch_size=self.batch_size)

    def update(self) -> None:
        if self.to_update:
            fields = [f for f in self.fields if f in self.changed_fields]
            self.model._default_manager.bulk_update(self.to_update, fields, batch_size=self.batch_size)

    def apply(self) -> SheetCounts:
        self.create()
        self.update()
        return self.counts
