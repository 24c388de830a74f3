"""Coverage report at national scale, on PostgreSQL (`make bench`).

1. On a registry cut to 20,000 people: the plain reference implementation's
   time over the SQL computation's, for the same report (the root and its 63
   provinces) -> ``coverage_reference_ratio``. Both must agree.
2. On the full registry of ``generate_scale_data`` (63 provinces, 700
   districts, 10,000 communes, 100,000 cooperatives, 1,000,000 people,
   1,500,000 affiliations, 200,000 cadre positions, 3,000,000 completions,
   300,000 certificates): the root report and one district's report, warm
   (median of several runs), and the number of queries of a report.
"""

from __future__ import annotations

import datetime
import os
import statistics
import sys
import time

from tests.benchmarks import _setup

AS_OF = datetime.date(2024, 12, 31)
FULL_PEOPLE = 1_000_000
# BENCH_COVERAGE_SCALE shrinks both registries for a quick trial run.
SCALE = float(os.environ.get("BENCH_COVERAGE_SCALE", "1"))
CUT_PEOPLE = round(20_000 * SCALE)


def _switch_database(name: str) -> None:
    """Point the default connection at another database of the same server."""
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = name


def _clone_empty(source: str, target: str) -> None:
    from urllib.parse import urlparse

    import psycopg

    u = urlparse(_setup.pg_url())
    with psycopg.connect(
        host=u.hostname, port=u.port or 5432, user=u.username, dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')


def _drop(name: str) -> None:
    from urllib.parse import urlparse

    import psycopg

    u = urlparse(_setup.pg_url())
    with psycopg.connect(
        host=u.hostname, port=u.port or 5432, user=u.username, dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _generate(people: int) -> None:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("generate_scale_data", scale=people / FULL_PEOPLE, stdout=sys.stderr)
    print(f"# generated {people} people in {time.perf_counter() - started:.0f} s", flush=True)


def _plan_and_district():
    from lms.coverage.models import Plan
    from lms.coverage.scale import SCALE_PLAN
    from lms.registry.models import OrgUnit

    plan = Plan.objects.select_related("root").get(code=SCALE_PLAN)
    district = OrgUnit.objects.filter(level=OrgUnit.Level.DISTRICT).order_by("code").first()
    return plan, district


def _timed(plan, unit, runs: int) -> float:
    from lms.coverage.selectors import coverage_for_unit, plan_indicators

    times = []
    for _ in range(runs):
        started = time.perf_counter()
        coverage_for_unit(plan=plan, unit=unit, as_of=AS_OF, indicators=plan_indicators(plan))
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    if _setup.pg_url() is None:
        print("bench: coverage skipped: PostgreSQL does not answer (set BENCH_PG_URL)", flush=True)
        return
    _setup.setup_django(database="postgres", name="coverage")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lms.coverage.selectors import coverage_for_unit, report_as_dict
    from tests.coverage.reference import load_world, reference_report

    full = connection.settings_dict["NAME"]
    cut = f"{full}_cut"
    connection.close()
    _clone_empty(full, cut)

    # 1. The same report, SQL and reference, on 20,000 people.
    _switch_database(cut)
    _generate(CUT_PEOPLE)
    plan, _district = _plan_and_district()
    coverage_for_unit(plan=plan, unit=plan.root, as_of=AS_OF)  # warm the caches
    sql_s = _timed(plan, plan.root, runs=3)
    started = time.perf_counter()
    expected = reference_report(plan, plan.root, AS_OF, load_world())
    reference_s = time.perf_counter() - started
    got = report_as_dict(coverage_for_unit(plan=plan, unit=plan.root, as_of=AS_OF))
    if got != expected:
        print("# WARNING: the SQL report differs from the reference on the cut registry", flush=True)
    print(f"# cut: sql {sql_s:.3f} s, reference {reference_s:.1f} s", flush=True)
    _switch_database(full)
    _drop(cut)

    # 2. The national registry.
    _generate(round(FULL_PEOPLE * SCALE))
    plan, district = _plan_and_district()
    coverage_for_unit(plan=plan, unit=plan.root, as_of=AS_OF)  # warm the caches
    root_s = _timed(plan, plan.root, runs=3)
    coverage_for_unit(plan=plan, unit=district, as_of=AS_OF)
    district_s = _timed(plan, district, runs=7)
    with CaptureQueriesContext(connection) as queries:
        coverage_for_unit(plan=plan, unit=plan.root, as_of=AS_OF)

    _setup.report("coverage_root_s", root_s, "s")
    _setup.report("coverage_district_s", district_s, "s")
    _setup.report("coverage_queries", len(queries.captured_queries), "queries")
    _setup.report("coverage_reference_ratio", reference_s / sql_s, "x")


if __name__ == "__main__":
    main()
