"""API fuzzing: schemathesis generates requests from the published OpenAPI
schema for every operation, as an admin and as an official, and counts the
server errors (goal: 0) and the cases sent.

The test suite runs a few examples per operation (tests/security); this run
searches longer. Schema mismatches are printed for reading, not counted.
"""

from __future__ import annotations

import os
import time

from tests.benchmarks import _setup
from tests.benchmarks._setup import report

EXAMPLES_PER_OPERATION = int(os.environ.get("BENCH_API_FUZZ_EXAMPLES", "60"))


def main() -> None:
    _setup.setup_django(name="api_fuzz")
    from django.db import transaction

    from tests.security.api_fuzz import FuzzResult, fuzz, load_schema, token_headers
    from tests.security.conftest import build_world

    with transaction.atomic():
        world = build_world()
        schema = load_schema()
        result = FuzzResult()
        started = time.perf_counter()
        for role in ("admin", "official_in"):
            fuzz(schema, token_headers(world.users[role]), max_examples=EXAMPLES_PER_OPERATION, result=result)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    for line in result.server_errors + result.failures:
        print(line)
    report("api_fuzz_server_errors", len(result.server_errors), "count")
    report("api_fuzz_cases", result.cases, "count")
    report("api_fuzz_seconds", seconds, "s")


if __name__ == "__main__":
    main()
