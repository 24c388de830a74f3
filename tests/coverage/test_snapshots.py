"""Month-end snapshots: the beat task, the backfill command, the trend chart."""

from __future__ import annotations

import datetime
import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from lms.coverage.models import Snapshot
from lms.coverage.selectors import coverage_for_unit
from lms.coverage.services import month_ends, snapshot_take
from lms.coverage.tasks import snapshot_month_end
from tests.factories.coverage import populate

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def data(tree):
    return populate([tree[2], tree[3]], per_unit=2)


def test_month_ends_of_a_period():
    assert month_ends(D(2024, 1, 15), D(2024, 4, 30)) == [
        D(2024, 1, 31),
        D(2024, 2, 29),
        D(2024, 3, 31),
        D(2024, 4, 30),
    ]
    assert month_ends(D(2024, 12, 1), D(2025, 1, 30)) == [D(2024, 12, 31)]


def test_snapshot_stores_the_report_figures_for_every_unit_under_the_root(plan, data, tree):
    written = snapshot_take(plan=plan, as_of=D(2024, 6, 30))
    units = 3  # the district and its two communes
    assert written == units * 6
    report = coverage_for_unit(plan=plan, unit=tree[1], as_of=D(2024, 6, 30))
    for result in report.results:
        snap = Snapshot.objects.get(indicator=result.indicator, org_unit=tree[1], as_of=D(2024, 6, 30))
        assert (snap.numerator, snap.denominator) == (result.total.numerator, result.total.denominator)
        for row in result.breakdown:
            child = Snapshot.objects.get(
                indicator=result.indicator, org_unit=row.org_unit, as_of=D(2024, 6, 30)
            )
            assert (child.numerator, child.denominator) == (row.numerator, row.denominator)


def test_snapshot_twice_changes_nothing(plan, data):
    snapshot_take(plan=plan, as_of=D(2024, 6, 30))
    snapshot_take(plan=plan, as_of=D(2024, 6, 30))
    assert Snapshot.objects.filter(as_of=D(2024, 6, 30)).count() == 18


def test_month_end_task_snapshots_the_running_plans_on_the_last_day(plan, data, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda: D(2024, 7, 1))
    assert snapshot_month_end() == 18
    assert set(Snapshot.objects.values_list("as_of", flat=True)) == {D(2024, 6, 30)}
    assert snapshot_month_end(as_of="2023-06-30") == 0  # before the plan


def test_beat_runs_the_task_early_on_the_first_of_each_month():
    entry = settings.CELERY_BEAT_SCHEDULE["coverage-month-end-snapshots"]
    assert entry["task"] == "coverage.snapshot_month_end"
    assert entry["schedule"].day_of_month == {1}


def test_backfill_command_fills_every_month_end_up_to_a_day(plan, data):
    out = io.StringIO()
    call_command("backfill_snapshots", "--plan", "cho-moi-2024", "--until", "2024-04-15", stdout=out)
    assert "cho-moi-2024: 3 tháng" in out.getvalue()
    assert sorted(set(Snapshot.objects.values_list("as_of", flat=True))) == [
        D(2024, 1, 31),
        D(2024, 2, 29),
        D(2024, 3, 31),
    ]
    with pytest.raises(CommandError):
        call_command("backfill_snapshots", "--plan", "khong-co")
    with pytest.raises(CommandError):
        call_command("backfill_snapshots", "--until", "hom-qua")


def test_trend_chart_draws_one_bar_per_snapshot_and_the_report_day(login, plan, data, district_official):
    for day in (D(2024, 5, 31), D(2024, 6, 30)):
        snapshot_take(plan=plan, as_of=day)
    html = login(district_official).get("/coverage/", {"as_of": "2024-07-15"}).content.decode()
    trend = html.split('id="h-trend"', 1)[1]
    first_chart = trend.split("</svg>", 1)[0]
    assert first_chart.count("<rect") == 3  # May, June, and the report day in July
