"""``/healthz/``: what a load balancer polls every few seconds."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_health_answers_200_with_one_query_and_no_session(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert not response.cookies  # no session, no CSRF cookie: nothing to store per probe
    assert "no-cache" in response["Cache-Control"]
    assert response["X-Request-ID"]
