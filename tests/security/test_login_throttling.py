"""Guessing passwords is slowed down: five failed logins for one username
from one address lock that pair out for 15 minutes, on every login door."""

from __future__ import annotations

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tests.factories.registry import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
LOCKED = "quá nhiều lần"


@pytest.fixture
def user():
    return UserFactory(username="lan", role="trainer")


def site_login(client, password, username="lan"):
    return client.post("/accounts/login/", {"username": username, "password": password})


def admin_login(client, password, username="lan"):
    return client.post("/admin/login/", {"username": username, "password": password})


def api_login(client, password, username="lan"):
    return client.post(
        "/api/v1/auth/token/", {"username": username, "password": password}, content_type="application/json"
    )


def test_settings_lock_username_and_address_together_for_fifteen_minutes():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == datetime.timedelta(minutes=15)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_RESET_ON_SUCCESS is True


@pytest.mark.parametrize("door", [site_login, admin_login, api_login], ids=["site", "wagtail", "api"])
def test_fifth_failure_locks_out_even_the_right_password(client, user, door):
    for _ in range(4):
        response = door(client, "sai-mat-khau")
        assert response.status_code in (200, 400)
    locked = door(client, "sai-mat-khau")
    assert locked.status_code == 429
    assert LOCKED in locked.content.decode()
    right = door(client, DEFAULT_PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_page_is_a_vietnamese_page_and_the_api_answers_json(client, user):
    for _ in range(5):
        page = site_login(client, "sai")
    assert page.status_code == 429
    assert page["Content-Type"].startswith("text/html")
    html = page.content.decode()
    assert "Tạm khóa đăng nhập" in html and "15 phút" in html
    for _ in range(5):
        api = api_login(Client(), "sai", username="mai")
    assert api.status_code == 429
    assert "15 phút" in api.json()["detail"]


def test_lock_is_per_username_and_address(client, user):
    UserFactory(username="mai")
    for _ in range(5):
        site_login(client, "sai")
    # Another account from the same address still logs in.
    assert site_login(client, DEFAULT_PASSWORD, username="mai").status_code == 302
    # The same account from another address too.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert site_login(other, DEFAULT_PASSWORD).status_code == 302


def test_a_successful_login_resets_the_count(client, user):
    for _ in range(4):
        site_login(client, "sai")
    assert site_login(client, DEFAULT_PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert site_login(client, "sai").status_code == 200
    assert site_login(client, DEFAULT_PASSWORD).status_code == 302


def test_the_lock_ends_after_the_cool_off(client, user):
    for _ in range(5):
        site_login(client, "sai")
    assert site_login(client, DEFAULT_PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert site_login(client, DEFAULT_PASSWORD).status_code == 302


def test_wrong_password_still_gets_the_plain_form_error_before_the_limit(client, user):
    response = site_login(client, "sai")
    assert response.status_code == 200
    assert "Tạm khóa" not in response.content.decode()
    api = api_login(client, "sai")
    assert api.status_code == 400
    assert api.json()["detail"] == "Tên đăng nhập hoặc mật khẩu không đúng."
