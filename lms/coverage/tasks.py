"""Background work of the coverage app."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.utils import timezone

from lms.coverage.models import Plan
from lms.coverage.services import snapshot_take


@shared_task(name="coverage.snapshot_month_end")
def snapshot_month_end(as_of: str | None = None) -> int:
    """Store the figures of every plan running on the last month end.

    Beat runs it early on the 1st; ``as_of`` (ISO date) overrides the day.
    Safe to run twice: snapshots are upserted. Returns the rows written.
    """
    if as_of:
        day = datetime.date.fromisoformat(as_of)
    else:
        day = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    written = 0
    for plan in Plan.objects.select_related("root").filter(start_date__lte=day, end_date__gte=day):
        written += snapshot_take(plan=plan, as_of=day)
    return written
