"""Writes of the coverage app: monthly snapshots, the seeded plan's root."""

from __future__ import annotations

import calendar
import datetime

from django.db import transaction

from lms.coverage.computation import STEP, Counts, counts_by_unit_path
from lms.coverage.models import Plan, Snapshot
from lms.coverage.selectors import figures, plan_indicators
from lms.registry.models import OrgUnit

SEEDED_PLAN_CODE = "cho-moi-2024"
SEEDED_ROOT_CODE = "CM"


def plan_attach_seeded_root(*, unit: OrgUnit | None = None) -> bool:
    """Give the seeded plan the demo district as root when it has none.

    Returns True when the plan changed. Safe to call any number of times.
    """
    if unit is None:
        unit = OrgUnit.objects.filter(code=SEEDED_ROOT_CODE).first()
        if unit is None:
            return False
    return bool(Plan.objects.filter(code=SEEDED_PLAN_CODE, root__isnull=True).update(root=unit))


def month_ends(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """Every last day of a month in [start, end]."""
    days = []
    year, month = start.year, start.month
    while True:
        last = datetime.date(year, month, calendar.monthrange(year, month)[1])
        if last > end:
            break
        if last >= start:
            days.append(last)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return days


def snapshot_take(*, plan: Plan, as_of: datetime.date) -> int:
    """Store ``plan``'s figures as of ``as_of`` for its root and every unit
    below it (two queries, whatever the number of units).

    Idempotent: a second run for the same day overwrites the same rows.
    Returns the number of rows written.
    """
    root_path = plan.root.path if plan.root_id else ""
    units = list(OrgUnit.objects.filter(path__startswith=root_path).only("pk", "path", "code", "name"))
    if not units:
        return 0
    depths = sorted({len(unit.path) // STEP for unit in units})
    rows = []
    indicators = plan_indicators(plan)
    counts = counts_by_unit_path(
        indicators, path_prefix=root_path, depths=depths, start=plan.start_date, as_of=as_of
    )
    for indicator in indicators:
        mine = counts.get(indicator.pk, {})
        for unit in units:
            result = figures(indicator, unit, mine.get(unit.path, Counts()))
            rows.append(
                Snapshot(
                    plan=plan,
                    indicator=indicator,
                    org_unit=unit,
                    as_of=as_of,
                    numerator=result.numerator,
                    denominator=result.denominator,
                )
            )
    with transaction.atomic():
        Snapshot.objects.bulk_create(
            rows,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["indicator", "org_unit", "as_of"],
            update_fields=["numerator", "denominator", "created_at"],
        )
    return len(rows)


def snapshots_backfill(*, plan: Plan, until: datetime.date) -> list[datetime.date]:
    """Snapshots at every month end of the plan's period up to ``until``."""
    days = month_ends(plan.start_date, min(until, plan.end_date))
    for day in days:
        snapshot_take(plan=plan, as_of=day)
    return days
