"""Property-based requests against the published OpenAPI schema (schemathesis),
shared by the test suite's bounded run and the longer benchmark run."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from lms.wsgi import application

# Checks every answer must pass. An error answer (400, 403, 404...) the schema
# does not list is counted apart (``undocumented``), not failed: drf-spectacular
# documents the successful answers of each operation.
CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]


@dataclass
class FuzzResult:
    cases: int = 0
    server_errors: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    undocumented: set[str] = field(default_factory=set)


@contextmanager
def connection_kept():
    """Requests served in this process, inside its transaction, as Django's
    test client serves them: the connection survives the end of a request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def load_schema():
    with connection_kept():
        return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


def token_headers(user) -> dict[str, str]:
    token, _ = Token.objects.get_or_create(user=user)
    return {"Authorization": f"Token {token.key}"}


def _summary(error: BaseException) -> str:
    """The failure's title, its first detail and the curl line that repeats it."""
    lines = [line.strip() for line in str(error).strip().splitlines() if line.strip()]
    curl = next((line for line in lines if line.startswith("curl ")), "")
    return " ".join([*lines[1:4], curl])[:600]


def fuzz(
    schema, headers: dict[str, str], *, max_examples: int, result: FuzzResult | None = None
) -> FuzzResult:
    """Send ``max_examples`` generated requests to each operation, each in a
    transaction rolled back afterwards, and check every answer."""
    result = result or FuzzResult()
    with connection_kept():
        for found in schema.get_all_operations():
            _runner(found.ok(), headers, max_examples, result)()
    return result


def _runner(operation, headers: dict[str, str], max_examples: int, result: FuzzResult):
    @hypothesis_settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case):
        result.cases += 1
        with transaction.atomic():
            # Plain bodies: the in-process client does not undo GZipMiddleware.
            response = case.call(headers={"Accept-Encoding": "identity", **headers})
            transaction.set_rollback(True)
        where = f"{operation.label} -> {response.status_code}"
        if response.status_code >= 500:
            result.server_errors.append(where)
        try:
            case.validate_response(response, checks=CHECKS)
        except (AssertionError, BaseExceptionGroup) as error:  # schemathesis' failures
            result.failures.append(f"{where}: {_summary(error)}")
        try:
            case.validate_response(response, checks=[status_code_conformance])
        except (AssertionError, BaseExceptionGroup):
            result.undocumented.add(where)

    return run
