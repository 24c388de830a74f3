"""Structured logs: one JSON line per request with a request id that the
response carries too; a hostile incoming id is replaced; health checks stay
quiet while healthy."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings as django_settings

from lms.operations.logs import JsonFormatter, RequestIdFilter
from tests.factories.registry import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_lines():
    """Lines written to the ``lms.requests`` logger through the JSON
    formatter of LOG_FORMAT=json, parsed back."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    handler.setLevel(logging.DEBUG)
    logger = logging.getLogger("lms.requests")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)

    def lines() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield lines
    logger.removeHandler(handler)
    logger.setLevel(old_level)


def test_a_request_logs_one_json_line_and_returns_its_id(client, json_lines):
    user = UserFactory(username="hocvien.log", role="learner")
    client.force_login(user)
    response = client.get("/", headers={"X-Request-ID": "lb-4f2a9c1e-7781"})
    assert response.status_code == 200
    assert response["X-Request-ID"] == "lb-4f2a9c1e-7781"
    [line] = json_lines()
    assert line["level"] == "INFO" and line["logger"] == "lms.requests"
    assert line["request_id"] == "lb-4f2a9c1e-7781"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/", 200)
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["user_id"] == user.pk
    assert line["message"].startswith("GET / 200 ")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"])


def test_anonymous_request_without_id_gets_a_new_one(client, json_lines):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    [line] = [entry for entry in json_lines() if entry["logger"] == "lms.requests"]
    assert (line["request_id"], line["status"], line["user_id"]) == (request_id, 404, None)


@pytest.mark.parametrize(
    "hostile",
    ['abc\n{"level": "CRITICAL"}', "a" * 500, "x y", "<script>", ""],
    ids=["newline", "500-chars", "space", "markup", "empty"],
)
def test_hostile_incoming_request_id_is_replaced(client, json_lines, hostile):
    response = client.get("/healthz/", headers={"X-Request-ID": hostile})
    request_id = response["X-Request-ID"]
    assert request_id != hostile and re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert [line["request_id"] for line in json_lines()] == [request_id]


def test_vietnamese_stays_readable_in_json_lines():
    record = logging.LogRecord("lms.test", logging.WARNING, __file__, 1, "Hợp tác xã %s", ("Kiến An",), None)
    line = JsonFormatter().format(record)
    assert "Hợp tác xã Kiến An" in line and "\n" not in line
    assert json.loads(line)["message"] == "Hợp tác xã Kiến An"


def test_exception_is_one_line_with_the_traceback_inside():
    try:
        raise ValueError("hỏng\ndòng hai")
    except ValueError:
        record = logging.LogRecord("lms.test", logging.ERROR, __file__, 1, "lỗi", (), sys.exc_info())
    line = JsonFormatter().format(record)
    assert "\n" not in line
    assert "ValueError: hỏng" in json.loads(line)["exception"]


def test_healthy_health_checks_log_below_info(client, json_lines):
    assert client.get("/healthz/").status_code == 200
    [line] = json_lines()
    assert line["level"] == "DEBUG" and line["path"] == "/healthz/"


def test_log_format_json_configures_the_console_for_json():
    """The real settings: with LOG_FORMAT=json every line on the console,
    request lines and others, is one JSON object."""
    code = (
        "import django, logging; django.setup();"
        "from django.test import Client;"
        "Client().get('/healthz/', headers={'X-Request-ID': 'probe-12345678'});"
        "Client(enforce_csrf_checks=True).post('/accounts/login/', {});"
        "logging.getLogger('lms.requests').info('Xin chào %s', 'Chợ Mới', extra={'status': 201})"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "DEBUG",
        "PYTHONWARNINGS": "ignore",  # warnings are printed, not logged
        "DATABASE_URL": "sqlite://:memory:",
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    # Nothing else on the console: no plain line, no line printed twice by Django's own handler.
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    health = next(line for line in lines if line.get("path") == "/healthz/")
    assert health["request_id"] == "probe-12345678" and health["status"] == 200
    # Django's own warnings (here a form posted without its CSRF token) too, once.
    [refused] = [line for line in lines if line["logger"] == "django.security.csrf"]
    assert refused["level"] == "WARNING" and refused["message"].startswith("Forbidden (CSRF")
    hello = next(line for line in lines if line["message"] == "Xin chào Chợ Mới")
    assert hello["status"] == 201 and hello["level"] == "INFO"
