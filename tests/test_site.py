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
