"""Content-Security-Policy: the public site runs only the site's own script
files; nothing inline, nothing from elsewhere."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.test import Client

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


# Types a browser runs; others (application/json...) are data a script reads.
SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}


def inline_code(html: str) -> list[str]:
    """Inline scripts, <style> elements and on* handlers of a page."""
    soup = BeautifulSoup(html, "html.parser")
    found = [
        f"<script> {s.get_text()[:60]!r}"
        for s in soup.find_all("script")
        if not s.get("src") and s.get("type", "text/javascript").lower() in SCRIPT_TYPES
    ]
    found += [f"<style> {s.get_text()[:60]!r}" for s in soup.find_all("style")]
    for tag in soup.find_all(True):
        found += [f"<{tag.name} {name}=…>" for name in tag.attrs if name.lower().startswith("on")]
        for name in ("href", "src", "action", "formaction"):
            if str(tag.get(name, "")).strip().lower().startswith("javascript:"):
                found.append(f"<{tag.name} {name}=javascript:…>")
    return found


@pytest.fixture
def public_pages(world):
    """(name, user or None, path) of every public kind of page."""
    w = world
    plan = "plan=cho-moi-2024&org_unit=CM&as_of=2024-12-31"
    return [
        ("home", None, "/"),
        ("catalogue", None, w.course.get_parent().url),
        ("course", None, w.course.url),
        ("lesson", w.users["learner"], w.lesson.url),
        ("quiz", w.users["learner"], w.quiz.url),
        ("attempt result", w.users["learner"], f"/learning/attempts/{w.attempt.pk}/"),
        ("dashboard", w.users["learner"], "/learning/"),
        ("my certificates", w.users["learner"], "/certificates/mine/"),
        ("login", None, "/accounts/login/"),
        ("certificate verification", None, w.certificate.get_verify_path()),
        ("certificate not found", None, "/certificates/verify/khong-co/"),
        ("coverage report", w.users["official_in"], f"/coverage/?{plan}"),
        ("coverage people", w.users["official_in"], f"/coverage/people/?{plan}&indicator=managers_trained"),
        ("offline", None, "/offline/"),
        ("not found", None, "/khong-co-trang-nay/"),
    ]


def test_public_pages_send_a_strict_policy(public_pages):
    for name, user, path in public_pages:
        client = Client()
        if user is not None:
            client.force_login(user)
        response = client.get(path)
        assert response.status_code in (200, 404), (name, response.status_code)
        csp = policy(response)
        assert csp["default-src"] == ["'self'"], name
        assert csp["script-src"] == ["'self'"], (name, csp["script-src"])
        assert csp["style-src"] == ["'self'"], (name, csp["style-src"])
        assert csp["img-src"] == ["'self'", "data:"], name
        assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"], name
        assert csp["base-uri"] == ["'self'"] and csp["form-action"] == ["'self'"], name
        assert not any("unsafe-inline" in s for d, v in csp.items() if d != "style-src-attr" for s in v), name


def test_public_pages_have_no_inline_script_or_handler(public_pages):
    for name, user, path in public_pages:
        client = Client()
        if user is not None:
            client.force_login(user)
        html = client.get(path).content.decode()
        assert inline_code(html) == [], name


def test_open_attempt_page_loads_its_countdown_from_a_file(world):
    from courses.services import attempt_start

    w = world
    attempt, _ = attempt_start(user=w.users["learner"], quiz=w.quiz)
    client = Client()
    client.force_login(w.users["learner"])
    response = client.get(f"/learning/attempts/{attempt.pk}/")
    soup = BeautifulSoup(response.content, "html.parser")
    assert inline_code(response.content.decode()) == []
    assert any("attempt.js" in s["src"] for s in soup.find_all("script"))


def test_swagger_ui_starts_from_a_script_file(client):
    response = client.get("/api/docs/")
    soup = BeautifulSoup(response.content, "html.parser")
    scripts = soup.find_all("script")
    assert scripts and all(s.get("src") for s in scripts)
    assert policy(response)["script-src"] == ["'self'"]
    start = client.get(scripts[-1]["src"])
    assert start.status_code == 200 and "SwaggerUIBundle" in start.content.decode()


def test_wagtail_login_is_strict_but_the_admin_itself_is_relaxed(world):
    """Wagtail 8's admin still writes inline <script> (inline panels, date
    widgets) and style attributes: only under /admin/ are they allowed."""
    client = Client()
    login = client.get("/admin/login/")
    assert policy(login)["script-src"] == ["'self'"]
    assert inline_code(login.content.decode()) == []
    client.force_login(world.users["admin"])
    admin = policy(client.get("/admin/"))
    assert "'unsafe-inline'" in admin["script-src"] and "'unsafe-inline'" in admin["style-src"]
    assert admin["object-src"] == ["'none'"] and admin["frame-ancestors"] == ["'self'"]


def test_bulk_issue_list_refreshes_with_a_script_file(world):
    from certificates.models import BulkIssue

    BulkIssue.objects.create(course=world.course, status=BulkIssue.Status.RUNNING)
    client = Client()
    client.force_login(world.users["admin"])
    html = client.get("/admin/bulkissue/").content.decode()
    soup = BeautifulSoup(html, "html.parser")
    assert any("bulk_refresh.js" in (s.get("src") or "") for s in soup.find_all("script"))
    assert "window.location.reload" not in html
