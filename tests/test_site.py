import subprocess
import sys

import pytest
from django.conf import settings


@pytest.mark.django_db
def test_home_page_is_vietnamese(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b'<html lang="vi"' in response.content


@pytest.mark.django_db
def test_language_switch_to_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    assert b'<html lang="en"' in response.content


@pytest.mark.django_db
def test_openapi_schema_is_served(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


@pytest.mark.django_db
def test_api_docs_load_nothing_from_a_cdn(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert b"cdn.jsdelivr" not in response.content and b"unpkg" not in response.content


@pytest.mark.django_db
def test_health_endpoint(client):
    assert client.get("/healthz/").json() == {"status": "ok"}


def _deploy_check(env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k3v!x9#QpL2@rT7zW5&mN8^bY4*cF6(hJ1)dS0_gA+eU-iO=wE",
    "ALLOWED_HOSTS": "nangtam.example.vn",
    "SITE_URL": "https://nangtam.example.vn",
    "DATABASE_URL": "sqlite:////tmp/nangtam-deploy-check.sqlite3",
}


def test_check_deploy_has_no_warnings_with_production_variables():
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL")}
    env.update(PRODUCTION_ENV)
    result = _deploy_check(env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr and "?:" not in result.stderr, result.stderr


def test_production_refuses_the_default_secret_key():
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY",)}
    env.update({**PRODUCTION_ENV})
    env.pop("SECRET_KEY")
    result = _deploy_check(env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_sends_cookies_over_https_only_and_asks_for_hsts():
    import json
    import os

    names = [
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "LANGUAGE_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_SAMESITE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "AXES_ENABLED",
        "AXES_FAILURE_LIMIT",
    ]
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL")}
    env.update(PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="lms.settings")
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert (
        values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["LANGUAGE_COOKIE_SECURE"]
    )
    assert values["SESSION_COOKIE_HTTPONLY"] and values["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert values["SECURE_SSL_REDIRECT"]
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and values["SECURE_HSTS_PRELOAD"]
    assert values["AXES_ENABLED"] and values["AXES_FAILURE_LIMIT"] == 5


@pytest.mark.django_db
def test_every_answer_carries_the_security_headers(client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_strong_passwords_are_required():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("12345678", "password", "abc"):
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("Ruộng-lúa-Kiến-An-2024")
