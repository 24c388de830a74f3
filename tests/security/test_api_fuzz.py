"""The JSON API against its own OpenAPI schema: generated requests from an
admin and from an official never get a server error, and every answer has
the documented content type and shape."""

from __future__ import annotations

import pytest

from tests.security.api_fuzz import fuzz, load_schema, token_headers

pytestmark = pytest.mark.django_db(transaction=False)

# Small enough for well under a minute on the 2-core reference machine; the
# benchmark bench_api_fuzz runs the longer search.
EXAMPLES_PER_OPERATION = 6


@pytest.mark.parametrize("role", ["admin", "official_in"])
def test_generated_api_requests_get_no_server_error_and_match_the_schema(world, role):
    schema = load_schema()
    result = fuzz(schema, token_headers(world.users[role]), max_examples=EXAMPLES_PER_OPERATION)
    assert result.cases >= 20
    assert not result.server_errors, "\n".join(result.server_errors)
    assert not result.failures, "\n".join(result.failures)


@pytest.mark.parametrize(
    "method, url",
    [
        ("get", "/api/v1/courses/4501793218436130668544/"),
        ("post", "/api/v1/courses/4501793218436130668544/enrol/"),
        ("post", "/api/v1/lessons/4501793218436130668544/done/"),
        ("post", "/api/v1/quizzes/4501793218436130668544/attempts/"),
        ("post", "/learning/courses/4501793218436130668544/enrol/"),
        ("post", "/learning/quizzes/4501793218436130668544/start/"),
        ("get", "/api/v1/courses/-5/"),
    ],
)
def test_an_id_no_database_can_hold_is_not_found(world, method, url):
    """Found by the fuzzer: such an id used to reach the database (500)."""
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.force_login(world.users["learner"])
    response = getattr(client, method)(url)
    assert response.status_code == 404
    if url.startswith("/api/"):
        assert response["Content-Type"] == "application/json"
