"""Every URL of the project, asked by every kind of visitor.

The URL patterns are walked from the resolver (Wagtail's admin and the API
included), their parameters filled with real objects of a small world, and
each answer compared with the tables below. A URL that is not in a table
fails the test by name: a new view is never left unchecked.

Columns (one token per visitor, in this order):
  anonymous, learner (owner of the enrolment, attempt and certificate used),
  other_learner (another learner), trainer, official_in (scope: the district
  holding the learner's commune), official_out (scope: another district),
  admin.
Tokens: ok (2xx), login (redirect to a login page), redir (any other
redirect), 400, 401, 403, 404, 405, 429.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.views.static import serve
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Collection, Page, Task, Workflow

ROLES = ("anonymous", "learner", "other_learner", "trainer", "official_in", "official_out", "admin")
LOGIN_PATHS = ("/accounts/login/", "/admin/login/", "/_util/login/")
# Parts of the project whose unsafe views are also posted with a valid CSRF token.
PROJECT_PREFIXES = (
    "api/v1/",
    "learning/",
    "certificates/",
    "coverage/",
    "accounts/",
    "admin/learning/",
    "admin/registry/import/",
)


@dataclass(frozen=True)
class Case:
    label: str  # the route, plus a variant name when one route is asked several ways
    url: str


def walk(resolver: URLResolver | None = None, prefix: str = "") -> list[tuple[str, URLPattern]]:
    """(route, pattern) of every URL pattern, through every include; but for
    the media files that the development server serves when DEBUG was on as
    the URLconf loaded (production serves them from the media store)."""
    resolver = resolver or get_resolver()
    found = []
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found += walk(pattern, route)
        elif pattern.callback is not serve:
            found.append((route, pattern))
    return found


def _view_model(pattern: URLPattern):
    callback = pattern.callback
    model = getattr(callback, "view_initkwargs", {}).get("model")
    return model or getattr(getattr(callback, "view_class", None), "model", None)


class Filler:
    """Real values for the parameters of a route."""

    def __init__(self, world):
        self.w = world
        course = world.course
        course.save_revision()
        self.revision_id = course.get_latest_revision().pk
        self.redirect = Redirect.objects.create(old_path="/cu", redirect_link="/catalogue/")
        self.collection = Collection.get_first_root_node()
        self.workflow = Workflow.objects.first()
        self.task = Task.objects.first()
        self.by_name = {
            "course_id": course.pk,
            "lesson_id": world.lesson.pk,
            "quiz_id": world.quiz.pk,
            "attempt_id": world.attempt.pk,
            "enrollment_id": world.enrollment.pk,
            "session_id": world.session.pk,
            "code": world.certificate.code,
            "fmt": "csv",
            "page_id": course.pk,
            "parent_page_id": course.pk,
            "page_to_move_id": course.pk,
            "destination_id": world.course.get_parent().pk,
            "page_pk": course.pk,
            "revision_id": self.revision_id,
            "image_id": world.image.pk,
            "document_id": world.document.pk,
            "doc_id": world.document.pk,
            "uploaded_file_id": 999_999,
            "redirect_id": self.redirect.pk,
            "collection_id": self.collection.pk,
            "workflow_pk": self.workflow.pk if self.workflow else 1,
            "task_id": self.task.pk if self.task else 1,
            "task_state_id": 999_999,
            "workflow_state_id": 999_999,
            "restriction_id": 999_999,
            "page_view_restriction_id": 999_999,
            "content_type_app_name": "content",
            "content_type_model_name": "coursepage",
            "app_label": "content",
            "app_name": "content",
            "model_name": "coursepage",
            "action": "delete",
            "action_name": "copy",
            "filter_spec": "original",
            "object_id": course.pk,
            "uidb64": "MQ",
            "token": "invalid-token",
            "unknown": "no-such-endpoint/",
        }

    def pk_for(self, route: str, pattern: URLPattern):
        if route.startswith("certificates/"):
            return self.w.certificate.pk
        if "api/main/^pages" in route:
            return self.w.course.pk
        if "api/main/^images" in route:
            return self.w.image.pk
        if "api/main/^documents" in route:
            return self.w.document.pk
        model = _view_model(pattern)
        if model is None:
            return 999_999
        if isinstance(model, str):
            model = apps.get_model(model)
        if not isinstance(model, type):  # a property of the view, not a model
            return 999_999
        if issubclass(model, Page):
            return self.w.course.pk
        first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        return first if first is not None else 999_999

    def fill(self, route: str, pattern: URLPattern) -> str:
        def value(match: re.Match) -> str:
            name = match.group(2)
            if name == "pk":
                return str(self.pk_for(route, pattern))
            if name in ("app_label", "model_name") and route.startswith("admin/bulk/"):
                return {"app_label": "wagtailcore", "model_name": "page"}[name]
            return str(self.by_name[name])

        path = re.sub(r"<(?:(\w+):)?(\w+)>", value, route)
        return "/" + path.replace("^", "").replace("$", "")


def cases(world, filler: Filler) -> list[tuple[Case, URLPattern]]:
    w = world
    special = {
        r"admin/pages/^(?P<pk>\d+)/revisions/compare/(?P<revision_id_a>live|earliest|\d+)\.\.\.(?P<revision_id_b>live|latest|\d+)/$": [
            ("", f"/admin/pages/{w.course.pk}/revisions/compare/earliest...latest/")
        ],
        r"documents/^(\d+)/(.*)$": [("", f"/documents/{w.document.pk}/{w.document.filename}")],
        r"^media/(?P<path>.*)$": [("", "/media/nothing-here.txt")],
        r"admin/^.*/$": [("", "/admin/no-such-admin-page/")],
        r"^((?:[\w\-]+/)*)$": [
            (" [home]", "/"),
            (" [course]", w.course.url),
            (" [lesson]", w.lesson.url),
            (" [quiz]", w.quiz.url),
            (" [missing]", "/no-such-page/"),
        ],
    }
    plan = "plan=cho-moi-2024&as_of=2024-12-31"
    people = f"{plan}&indicator=managers_trained&which=missing"
    queries = {
        "coverage/": [(" [in scope]", f"?{plan}&org_unit=CM"), (" [out of scope]", f"?{plan}&org_unit=TS")],
        "coverage/export/<str:fmt>/": [(" [in scope]", f"?{plan}&org_unit=CM")],
        "coverage/people/": [
            (" [in scope]", f"?{people}&org_unit=CM"),
            (" [out of scope]", f"?{people}&org_unit=TS"),
        ],
        "coverage/people/export/<str:fmt>/": [(" [in scope]", f"?{people}&org_unit=CM")],
        "api/v1/coverage/": [
            (" [in scope]", f"?{plan}&org_unit=CM"),
            (" [out of scope]", f"?{plan}&org_unit=TS"),
        ],
        "api/v1/coverage/missing/": [
            (" [in scope]", f"?{people}&org_unit=CM"),
            (" [out of scope]", f"?{people}&org_unit=TS"),
        ],
    }
    found = []
    for route, pattern in walk():
        if route in special:
            found += [(Case(route + suffix, url), pattern) for suffix, url in special[route]]
            continue
        url = filler.fill(route, pattern)
        for suffix, query in queries.get(route, [("", "")]):
            found.append((Case(route + suffix, url + query), pattern))
    return found


def token(response) -> str:
    code = response.status_code
    if 200 <= code < 300:
        return "ok"
    if 300 <= code < 400:
        location = urlsplit(response.get("Location", "")).path
        return "login" if location.startswith(LOGIN_PATHS) else "redir"
    return str(code)


def clients(world, *, enforce_csrf: bool) -> dict[str, Client]:
    made = {}
    for role in ROLES:
        client = Client(enforce_csrf_checks=enforce_csrf, raise_request_exception=False)
        if world.users[role] is not None:
            client.force_login(world.users[role])
        made[role] = client
    return made


def ask(client: Client, method: str, url: str):
    """One request whose writes (and cookies) are undone, so that no answer
    depends on the requests before it."""
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    with transaction.atomic():
        response = getattr(client, method)(url)
        transaction.set_rollback(True)
    # A logout or login answered above must not change who asks next.
    client.cookies.clear()
    for name, value in cookies.items():
        client.cookies[name] = value
    return response


def observe(world, method: str, selected, *, enforce_csrf: bool = False) -> dict[str, str]:
    by_role = clients(world, enforce_csrf=enforce_csrf)
    return {
        case.label: " ".join(token(ask(by_role[role], method, case.url)) for role in ROLES)
        for case, _pattern in selected
    }


def compare(observed: dict[str, str], table: dict[str, str], what: str) -> list[str]:
    problems = []
    for label, got in observed.items():
        if "500" in got.split() and label not in DELIBERATE_ERRORS:
            problems.append(f"{what} {label}: a server error (500) for some visitor: {got}")
        if label not in table:
            problems.append(f"{what} {label}: URL not in the permission table; observed {got!r}")
        elif table[label] != got:
            problems.append(f"{what} {label}: expected {table[label]!r}, got {got!r}")
    problems += [
        f"{what} {label}: in the table but no longer a URL" for label in table.keys() - observed.keys()
    ]
    return problems


@pytest.fixture
def matrix(world):
    return cases(world, Filler(world))


@pytest.mark.django_db
def test_every_url_answers_each_visitor_as_the_get_table_says(world, matrix):
    problems = compare(observe(world, "get", matrix), GET_TABLE, "GET")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_unsafe_project_views_answer_a_post_as_the_post_table_says(world, matrix):
    selected = [(case, p) for case, p in matrix if case.label.startswith(PROJECT_PREFIXES)]
    problems = compare(observe(world, "post", selected), POST_TABLE, "POST")
    assert not problems, "\n".join(problems)


SAFE_WITHOUT_CSRF = {"403", "405", "404", "401", "400", "login"}


@pytest.mark.django_db
def test_no_post_without_a_csrf_token_changes_anything(world, matrix):
    """A cross-site form cannot act for a signed-in visitor: without the CSRF
    token every POST is refused (or was never allowed)."""
    observed = observe(world, "post", matrix, enforce_csrf=True)
    problems = [
        f"POST without CSRF {label}: {got}"
        for label, got in observed.items()
        if not set(got.split()) <= SAFE_WITHOUT_CSRF and label not in POST_WITHOUT_CSRF_ALLOWED
    ]
    assert not problems, "\n".join(problems)


# Wagtail's own page for trying the admin's error page: it fails on purpose,
# and only for accounts that may use the admin.
DELIBERATE_ERRORS = {"admin/failwhale/"}

# Views that take a POST without a CSRF token on purpose.
POST_WITHOUT_CSRF_ALLOWED: set[str] = set()

# fmt: off
GET_TABLE: dict[str, str] = {
    'admin/': 'login login login ok ok ok ok',
    'admin/test404/': 'login login login ok ok ok ok',
    'admin/api/main/^pages/': 'login login login ok ok ok ok',
    'admin/api/main/^pages/<int:pk>/': 'login login login ok 404 404 ok',
    'admin/api/main/^pages/find/': 'login login login 404 404 404 404',
    'admin/api/main/^pages/<int:pk>/action/<str:action_name>/': 'login login login 405 405 405 405',
    'admin/api/main/^documents/': 'login login login ok ok ok ok',
    'admin/api/main/^documents/<int:pk>/': 'login login login ok ok ok ok',
    'admin/api/main/^documents/find/': 'login login login 404 404 404 404',
    'admin/api/main/^images/': 'login login login ok ok ok ok',
    'admin/api/main/^images/<int:pk>/': 'login login login ok ok ok ok',
    'admin/api/main/^images/find/': 'login login login 404 404 404 404',
    'admin/failwhale/': 'login login login 500 500 500 500',
    'admin/pages/': 'login login login redir redir redir ok',
    'admin/pages/<int:parent_page_id>/': 'login login login ok redir redir ok',
    'admin/pages/<int:parent_page_id>/results/': 'login login login ok redir redir ok',
    'admin/bulk/<str:app_label>/<str:model_name>/<str:action>/': 'login login login 404 404 404 404',
    'admin/pages/add/<slug:content_type_app_name>/<slug:content_type_model_name>/<int:parent_page_id>/': 'login login login redir redir redir redir',
    'admin/pages/add/<slug:content_type_app_name>/<slug:content_type_model_name>/<int:parent_page_id>/preview/': 'login login login ok redir redir ok',
    'admin/pages/usage/<slug:content_type_app_name>/<slug:content_type_model_name>/': 'login login login ok redir redir ok',
    'admin/pages/create/<slug:app_label>/<slug:model_name>': 'login login login redir ok ok redir',
    'admin/pages/usage/<slug:content_type_app_name>/<slug:content_type_model_name>/results/': 'login login login ok redir redir ok',
    'admin/pages/<int:page_id>/usage/': 'login login login ok redir redir ok',
    'admin/pages/<int:page_id>/edit/': 'login login login ok redir redir ok',
    'admin/pages/<int:page_id>/edit/preview/': 'login login login ok redir redir ok',
    'admin/pages/<int:page_id>/view_draft/': 'login login login ok redir redir ok',
    'admin/pages/<int:parent_page_id>/add_subpage/': 'login login login ok redir redir ok',
    'admin/pages/<int:page_id>/delete/': 'login login login redir redir redir ok',
    'admin/pages/<int:page_id>/unpublish/': 'login login login redir redir redir ok',
    'admin/pages/<int:page_id>/convert_alias/': 'login login login 404 404 404 404',
    'admin/pages/search/': 'login login login ok redir redir ok',
    'admin/pages/search/results/': 'login login login ok redir redir ok',
    'admin/pages/<int:page_to_move_id>/move/': 'login login login redir redir redir ok',
    'admin/pages/<int:page_to_move_id>/move/<int:destination_id>/confirm/': 'login login login ok ok ok ok',
    'admin/pages/<int:page_to_move_id>/set_position/': 'login login login 405 405 405 405',
    'admin/pages/<int:page_id>/copy/': 'login login login ok redir redir ok',
    'admin/pages/workflow/action/<int:page_id>/<slug:action_name>/<int:task_state_id>/': 'login login login 404 404 404 404',
    'admin/pages/workflow/collect_action_data/<int:page_id>/<slug:action_name>/<int:task_state_id>/': 'login login login 404 404 404 404',
    'admin/pages/workflow/confirm_cancellation/<int:page_id>/': 'login login login ok ok ok ok',
    'admin/pages/workflow/preview/<int:page_id>/<int:task_id>/': 'login login login redir redir redir redir',
    'admin/pages/<int:page_id>/privacy/': 'login login login redir redir redir ok',
    'admin/pages/<int:page_id>/lock/': 'login login login 405 405 405 405',
    'admin/pages/<int:page_id>/unlock/': 'login login login 405 405 405 405',
    'admin/pages/<int:page_id>/revisions/': 'login login login redir redir redir redir',
    'admin/pages/<int:page_id>/revisions/<int:revision_id>/view/': 'login login login ok redir redir ok',
    'admin/pages/<int:page_id>/revisions/<int:revision_id>/revert/': 'login login login ok redir redir ok',
    'admin/pages/<int:page_id>/revisions/<int:revision_id>/unschedule/': 'login login login redir redir redir ok',
    'admin/pages/^(?P<pk>\\d+)/revisions/compare/(?P<revision_id_a>live|earliest|\\d+)\\.\\.\\.(?P<revision_id_b>live|latest|\\d+)/$': 'login login login ok redir redir ok',
    'admin/pages/<int:page_id>/workflow_history/': 'login login login ok redir redir ok',
    'admin/pages/<int:page_id>/workflow_history/detail/<int:workflow_state_id>/': 'login login login 404 redir redir 404',
    'admin/pages/<int:page_id>/history/': 'login login login ok redir redir ok',
    'admin/pages/<int:page_id>/history/results/': 'login login login ok redir redir ok',
    'admin/choose-page/': 'login login login ok ok ok ok',
    'admin/choose-page/<int:parent_page_id>/': 'login login login ok ok ok ok',
    'admin/choose-page/search/': 'login login login ok ok ok ok',
    'admin/choose-page/chosen-multiple/': 'login login login ok ok ok ok',
    'admin/choose-external-link/': 'login login login ok ok ok ok',
    'admin/choose-email-link/': 'login login login ok ok ok ok',
    'admin/choose-phone-link/': 'login login login ok ok ok ok',
    'admin/choose-anchor-link/': 'login login login ok ok ok ok',
    'admin/tag-autocomplete/': 'login login login ok ok ok ok',
    'admin/tag-autocomplete/<slug:app_name>/<slug:model_name>/': 'login login login 404 404 404 404',
    'admin/collections/': 'login login login redir redir redir ok',
    'admin/collections/add/': 'login login login redir redir redir ok',
    'admin/collections/<int:pk>/': 'login login login redir redir redir 404',
    'admin/collections/<int:pk>/delete/': 'login login login 404 404 404 404',
    'admin/collections/<int:collection_id>/privacy/': 'login login login redir redir redir ok',
    'admin/workflows/list/': 'login login login redir redir redir ok',
    'admin/workflows/list/results/': 'login login login redir redir redir ok',
    'admin/workflows/add/': 'login login login redir redir redir ok',
    'admin/workflows/enable/<int:pk>/': 'login login login 405 405 405 405',
    'admin/workflows/disable/<int:pk>/': 'login login login redir redir redir ok',
    'admin/workflows/edit/<int:pk>/': 'login login login redir redir redir ok',
    'admin/workflows/usage/<int:pk>/': 'login login login 404 404 404 404',
    'admin/workflows/usage/<int:pk>/results/': 'login login login 404 404 404 404',
    'admin/workflows/remove/<int:page_pk>/': 'login login login 405 405 405 405',
    'admin/workflows/remove/<int:page_pk>/<int:workflow_pk>/': 'login login login 405 405 405 405',
    'admin/workflows/tasks/add/<str:app_label>/<str:model_name>/': 'login login login 404 404 404 404',
    'admin/workflows/tasks/select_type/': 'login login login redir redir redir redir',
    'admin/workflows/tasks/index/': 'login login login redir redir redir ok',
    'admin/workflows/tasks/index/results/': 'login login login redir redir redir ok',
    'admin/workflows/tasks/edit/<int:pk>/': 'login login login 404 404 404 404',
    'admin/workflows/tasks/disable/<int:pk>/': 'login login login redir redir redir ok',
    'admin/workflows/tasks/enable/<int:pk>/': 'login login login 405 405 405 405',
    'admin/workflows/task_chooser/': 'login login login ok ok ok ok',
    'admin/workflows/task_chooser/results/': 'login login login ok ok ok ok',
    'admin/workflows/task_chooser/create/': 'login login login ok ok ok ok',
    'admin/workflows/task_chooser/<int:task_id>/': 'login login login ok ok ok ok',
    'admin/reports/locked/': 'login login login redir redir redir ok',
    'admin/reports/locked/results/': 'login login login redir redir redir ok',
    'admin/reports/workflow/': 'login login login ok redir redir ok',
    'admin/reports/workflow/results/': 'login login login ok redir redir ok',
    'admin/reports/workflow_tasks/': 'login login login ok redir redir ok',
    'admin/reports/workflow_tasks/results/': 'login login login ok redir redir ok',
    'admin/reports/site-history/': 'login login login ok ok ok ok',
    'admin/reports/site-history/results/': 'login login login ok ok ok ok',
    'admin/reports/aging-pages/': 'login login login ok redir redir ok',
    'admin/reports/aging-pages/results/': 'login login login ok redir redir ok',
    'admin/reports/page-types-usage/': 'login login login ok redir redir ok',
    'admin/reports/page-types-usage/results/': 'login login login ok redir redir ok',
    'admin/account/': 'login login login ok ok ok ok',
    'admin/logout/': 'login login login 405 405 405 405',
    'admin/dismissibles/': 'login login login ok ok ok ok',
    'admin/editing-sessions/ping/<str:app_label>/<str:model_name>/<str:object_id>/<int:session_id>/': 'login login login 405 405 405 405',
    'admin/editing-sessions/release/<int:session_id>/': 'login login login 405 405 405 405',
    'admin/block-preview/': 'login login login 404 404 404 404',
    'admin/learning/sessions/<int:session_id>/attendance/': 'login login login ok ok 404 ok',
    'admin/learning/enrol/': 'login login login ok ok ok ok',
    'admin/learning/import-attendance/': 'login login login ok ok ok ok',
    'admin/forms/': 'login login login ok redir redir ok',
    'admin/forms/results/': 'login login login ok redir redir ok',
    'admin/forms/submissions/<int:page_id>/': 'login login login 404 404 404 404',
    'admin/forms/submissions/<int:page_id>/results/': 'login login login 404 404 404 404',
    'admin/forms/submissions/<int:page_id>/delete/': 'login login login redir redir redir redir',
    'admin/redirects/': 'login login login redir redir redir ok',
    'admin/redirects/results/': 'login login login redir redir redir ok',
    'admin/redirects/add/': 'login login login redir redir redir ok',
    'admin/redirects/<int:redirect_id>/': 'login login login redir redir redir ok',
    'admin/redirects/<int:redirect_id>/delete/': 'login login login redir redir redir ok',
    'admin/redirects/import/': 'login login login redir redir redir ok',
    'admin/redirects/import/process/': 'login login login redir redir redir 405',
    'admin/settings/<slug:app_name>/<slug:model_name>/': 'login login login 404 404 404 404',
    'admin/settings/<slug:app_name>/<slug:model_name>/<int:pk>/': 'login login login 404 404 404 404',
    'admin/settings/<slug:app_name>/<slug:model_name>/<int:pk>/preview/': 'login login login 404 404 404 404',
    'admin/embeds/chooser/': 'login login login ok ok ok ok',
    'admin/embeds/chooser/upload/': 'login login login ok ok ok ok',
    'admin/snippets/': 'login login login redir redir redir redir',
    'admin/documents/': 'login login login ok redir redir ok',
    'admin/documents/results/': 'login login login ok redir redir ok',
    'admin/documents/add/': 'login login login ok redir redir ok',
    'admin/documents/edit/<int:document_id>/': 'login login login redir redir redir ok',
    'admin/documents/delete/<int:document_id>/': 'login login login redir redir redir ok',
    'admin/documents/multiple/add/': 'login login login ok redir redir ok',
    'admin/documents/multiple/<int:doc_id>/': 'login login login 405 405 405 405',
    'admin/documents/multiple/create_from_uploaded_document/<int:uploaded_file_id>/': 'login login login 405 405 405 405',
    'admin/documents/multiple/<int:doc_id>/delete/': 'login login login 405 405 405 405',
    'admin/documents/multiple/delete_upload/<int:uploaded_file_id>/': 'login login login 405 405 405 405',
    'admin/documents/usage/<int:document_id>/': 'login login login redir redir redir ok',
    'admin/images/': 'login login login ok redir redir ok',
    'admin/images/results/': 'login login login ok redir redir ok',
    'admin/images/<int:image_id>/': 'login login login redir redir redir ok',
    'admin/images/<int:image_id>/delete/': 'login login login redir redir redir ok',
    'admin/images/<int:image_id>/generate_url/': 'login login login 404 redir redir 404',
    'admin/images/<int:image_id>/generate_url/output/': 'login login login 404 redir redir 404',
    'admin/images/<int:image_id>/preview/<str:filter_spec>/': 'login login login redir redir redir ok',
    'admin/images/add/': 'login login login ok redir redir ok',
    'admin/images/usage/<int:image_id>/': 'login login login redir redir redir ok',
    'admin/images/multiple/add/': 'login login login ok redir redir ok',
    'admin/images/multiple/<int:image_id>/': 'login login login 405 405 405 405',
    'admin/images/multiple/create_from_uploaded_image/<int:uploaded_file_id>/': 'login login login 405 405 405 405',
    'admin/images/multiple/<int:image_id>/delete/': 'login login login 405 405 405 405',
    'admin/images/multiple/delete_upload/<int:uploaded_file_id>/': 'login login login 405 405 405 405',
    'admin/certificate/': 'login login login ok ok ok ok',
    'admin/certificate/results/': 'login login login ok ok ok ok',
    'admin/certificate/new/': 'login login login ok redir redir ok',
    'admin/certificate/history/<int:pk>/': 'login login login ok redir redir ok',
    'admin/certificate/history-results/<int:pk>/': 'login login login ok redir redir ok',
    'admin/certificate/usage/<int:pk>/': 'login login login redir redir redir redir',
    'admin/certificate/inspect/<int:pk>/': 'login login login ok ok 404 ok',
    'admin/certificate/revoke/<int:pk>/': 'login login login redir redir redir 404',
    'admin/certificate/rerender/<int:pk>/': 'login login login redir redir redir 404',
    'admin/certificate/download/<int:pk>/': 'login login login 404 404 404 404',
    'admin/bulkissue/': 'login login login ok redir redir ok',
    'admin/bulkissue/results/': 'login login login ok redir redir ok',
    'admin/bulkissue/new/': 'login login login ok redir redir ok',
    'admin/bulkissue/history/<int:pk>/': 'login login login 404 404 404 404',
    'admin/bulkissue/history-results/<int:pk>/': 'login login login 404 404 404 404',
    'admin/bulkissue/usage/<int:pk>/': 'login login login 404 404 404 404',
    'admin/bulkissue/inspect/<int:pk>/': 'login login login 404 404 404 404',
    'admin/snippets/certificates/certificatetemplate/': 'login login login redir redir redir ok',
    'admin/snippets/certificates/certificatetemplate/results/': 'login login login redir redir redir ok',
    'admin/snippets/certificates/certificatetemplate/add/': 'login login login redir redir redir ok',
    'admin/snippets/certificates/certificatetemplate/edit/<int:pk>/': 'login login login redir redir redir ok',
    'admin/snippets/certificates/certificatetemplate/delete/<int:pk>/': 'login login login redir redir redir ok',
    'admin/snippets/certificates/certificatetemplate/usage/<int:pk>/': 'login login login redir redir redir ok',
    'admin/snippets/certificates/certificatetemplate/history/<int:pk>/': 'login login login redir redir redir ok',
    'admin/snippets/certificates/certificatetemplate/history-results/<int:pk>/': 'login login login redir redir redir ok',
    'admin/snippets/certificates/certificatetemplate/copy/<int:pk>/': 'login login login redir redir redir ok',
    'admin/snippets/certificates/certificatetemplate/preview/': 'login login login redir redir redir ok',
    'admin/snippets/certificates/certificatetemplate/preview/<int:pk>/': 'login login login redir redir redir ok',
    'admin/snippets/certificates/certificatetemplate/preview-pdf/<int:pk>/': 'login login login redir redir redir 404',
    'admin/snippets/choose/certificates/certificatetemplate/': 'login login login ok ok ok ok',
    'admin/snippets/choose/certificates/certificatetemplate/results/': 'login login login ok ok ok ok',
    'admin/snippets/choose/certificates/certificatetemplate/chosen/<str:pk>/': 'login login login ok ok ok ok',
    'admin/snippets/choose/certificates/certificatetemplate/chosen-multiple/': 'login login login ok ok ok ok',
    'admin/snippets/choose/certificates/certificatetemplate/create/': 'login login login redir redir redir ok',
    'admin/coursecertificatetemplate/': 'login login login redir redir redir ok',
    'admin/coursecertificatetemplate/results/': 'login login login redir redir redir ok',
    'admin/coursecertificatetemplate/new/': 'login login login redir redir redir ok',
    'admin/coursecertificatetemplate/edit/<int:pk>/': 'login login login redir redir redir 404',
    'admin/coursecertificatetemplate/delete/<int:pk>/': 'login login login 404 404 404 404',
    'admin/coursecertificatetemplate/history/<int:pk>/': 'login login login 404 404 404 404',
    'admin/coursecertificatetemplate/history-results/<int:pk>/': 'login login login 404 404 404 404',
    'admin/coursecertificatetemplate/usage/<int:pk>/': 'login login login 404 404 404 404',
    'admin/registry/units/': 'login login login redir ok ok ok',
    'admin/registry/units/results/': 'login login login redir ok ok ok',
    'admin/registry/units/new/': 'login login login redir ok ok ok',
    'admin/registry/units/edit/<int:pk>/': 'login login login redir 404 404 ok',
    'admin/registry/units/delete/<int:pk>/': 'login login login redir 404 404 ok',
    'admin/registry/units/history/<int:pk>/': 'login login login redir 404 404 ok',
    'admin/registry/units/history-results/<int:pk>/': 'login login login redir 404 404 ok',
    'admin/registry/units/usage/<int:pk>/': 'login login login redir 404 404 ok',
    'admin/registry/cooperatives/': 'login login login redir ok ok ok',
    'admin/registry/cooperatives/results/': 'login login login redir ok ok ok',
    'admin/registry/cooperatives/new/': 'login login login redir ok ok ok',
    'admin/registry/cooperatives/edit/<int:pk>/': 'login login login redir ok 404 ok',
    'admin/registry/cooperatives/delete/<int:pk>/': 'login login login redir ok 404 ok',
    'admin/registry/cooperatives/history/<int:pk>/': 'login login login redir ok 404 ok',
    'admin/registry/cooperatives/history-results/<int:pk>/': 'login login login redir ok 404 ok',
    'admin/registry/cooperatives/usage/<int:pk>/': 'login login login redir ok 404 ok',
    'admin/registry/people/': 'login login login redir ok ok ok',
    'admin/registry/people/results/': 'login login login redir ok ok ok',
    'admin/registry/people/new/': 'login login login redir ok ok ok',
    'admin/registry/people/edit/<int:pk>/': 'login login login redir ok 404 ok',
    'admin/registry/people/delete/<int:pk>/': 'login login login redir ok 404 ok',
    'admin/registry/people/history/<int:pk>/': 'login login login redir ok 404 ok',
    'admin/registry/people/history-results/<int:pk>/': 'login login login redir ok 404 ok',
    'admin/registry/people/usage/<int:pk>/': 'login login login redir ok 404 ok',
    'admin/registry/affiliations/': 'login login login redir ok ok ok',
    'admin/registry/affiliations/results/': 'login login login redir ok ok ok',
    'admin/registry/affiliations/new/': 'login login login redir ok ok ok',
    'admin/registry/affiliations/edit/<int:pk>/': 'login login login redir ok 404 ok',
    'admin/registry/affiliations/delete/<int:pk>/': 'login login login redir ok 404 ok',
    'admin/registry/affiliations/history/<int:pk>/': 'login login login redir ok 404 ok',
    'admin/registry/affiliations/history-results/<int:pk>/': 'login login login redir ok 404 ok',
    'admin/registry/affiliations/usage/<int:pk>/': 'login login login redir ok 404 ok',
    'admin/registry/cadres/': 'login login login redir ok ok ok',
    'admin/registry/cadres/results/': 'login login login redir ok ok ok',
    'admin/registry/cadres/new/': 'login login login redir ok ok ok',
    'admin/registry/cadres/edit/<int:pk>/': 'login login login redir 404 ok ok',
    'admin/registry/cadres/delete/<int:pk>/': 'login login login redir 404 ok ok',
    'admin/registry/cadres/history/<int:pk>/': 'login login login redir 404 ok ok',
    'admin/registry/cadres/history-results/<int:pk>/': 'login login login redir 404 ok ok',
    'admin/registry/cadres/usage/<int:pk>/': 'login login login redir 404 ok ok',
    'admin/registry/import/': 'login login login redir ok ok ok',
    'admin/registry/accounts/': 'login login login redir redir redir ok',
    'admin/registry/accounts/results/': 'login login login redir redir redir ok',
    'admin/registry/accounts/new/': 'login login login redir redir redir ok',
    'admin/registry/accounts/edit/<int:pk>/': 'login login login redir redir redir ok',
    'admin/registry/accounts/delete/<int:pk>/': 'login login login redir redir redir ok',
    'admin/registry/accounts/history/<int:pk>/': 'login login login redir redir redir ok',
    'admin/registry/accounts/history-results/<int:pk>/': 'login login login redir redir redir ok',
    'admin/registry/accounts/usage/<int:pk>/': 'login login login redir redir redir ok',
    'admin/learning_sessions/': 'login login login ok ok ok ok',
    'admin/learning_sessions/results/': 'login login login ok ok ok ok',
    'admin/learning_sessions/new/': 'login login login ok ok ok ok',
    'admin/learning_sessions/edit/<int:pk>/': 'login login login ok 404 ok ok',
    'admin/learning_sessions/delete/<int:pk>/': 'login login login ok 404 ok ok',
    'admin/learning_sessions/history/<int:pk>/': 'login login login ok 404 ok ok',
    'admin/learning_sessions/history-results/<int:pk>/': 'login login login ok 404 ok ok',
    'admin/learning_sessions/usage/<int:pk>/': 'login login login ok 404 ok ok',
    'admin/coverage_plans/': 'login login login redir ok ok ok',
    'admin/coverage_plans/results/': 'login login login redir ok ok ok',
    'admin/coverage_plans/new/': 'login login login redir ok ok ok',
    'admin/coverage_plans/edit/<int:pk>/': 'login login login redir ok 404 ok',
    'admin/coverage_plans/delete/<int:pk>/': 'login login login 404 redir 404 ok',
    'admin/coverage_plans/history/<int:pk>/': 'login login login 404 ok 404 ok',
    'admin/coverage_plans/history-results/<int:pk>/': 'login login login 404 ok 404 ok',
    'admin/coverage_plans/usage/<int:pk>/': 'login login login 404 ok 404 ok',
    'admin/sites/': 'login login login redir redir redir ok',
    'admin/sites/results/': 'login login login redir redir redir ok',
    'admin/sites/new/': 'login login login redir redir redir ok',
    'admin/sites/edit/<int:pk>/': 'login login login redir redir redir ok',
    'admin/sites/delete/<int:pk>/': 'login login login redir redir redir ok',
    'admin/sites/history/<int:pk>/': 'login login login redir redir redir ok',
    'admin/sites/history-results/<int:pk>/': 'login login login redir redir redir ok',
    'admin/sites/usage/<int:pk>/': 'login login login redir redir redir ok',
    'admin/sites/copy/<int:pk>/': 'login login login redir redir redir ok',
    'admin/users/': 'login login login redir redir redir ok',
    'admin/users/results/': 'login login login redir redir redir ok',
    'admin/users/new/': 'login login login redir redir redir ok',
    'admin/users/edit/<int:pk>/': 'login login login redir redir redir ok',
    'admin/users/delete/<int:pk>/': 'login login login redir redir redir ok',
    'admin/users/history/<int:pk>/': 'login login login redir redir redir ok',
    'admin/users/history-results/<int:pk>/': 'login login login redir redir redir ok',
    'admin/users/usage/<int:pk>/': 'login login login redir redir redir ok',
    'admin/users/copy/<int:pk>/': 'login login login redir redir redir ok',
    'admin/groups/': 'login login login redir redir redir ok',
    'admin/groups/results/': 'login login login redir redir redir ok',
    'admin/groups/new/': 'login login login redir redir redir ok',
    'admin/groups/edit/<int:pk>/': 'login login login redir redir redir ok',
    'admin/groups/delete/<int:pk>/': 'login login login redir redir redir ok',
    'admin/groups/history/<int:pk>/': 'login login login redir redir redir ok',
    'admin/groups/history-results/<int:pk>/': 'login login login redir redir redir ok',
    'admin/groups/usage/<int:pk>/': 'login login login redir redir redir ok',
    'admin/documents/chooser/': 'login login login ok ok ok ok',
    'admin/documents/chooser/results/': 'login login login ok ok ok ok',
    'admin/documents/chooser/chosen/<str:pk>/': 'login login login ok redir redir ok',
    'admin/documents/chooser/chosen-multiple/': 'login login login ok ok ok ok',
    'admin/documents/chooser/create/': 'login login login ok redir redir ok',
    'admin/images/chooser/': 'login login login ok ok ok ok',
    'admin/images/chooser/results/': 'login login login ok ok ok ok',
    'admin/images/chooser/chosen/<str:pk>/': 'login login login ok redir redir ok',
    'admin/images/chooser/chosen-multiple/': 'login login login ok ok ok ok',
    'admin/images/chooser/create/': 'login login login ok redir redir ok',
    'admin/images/chooser/<int:image_id>/select_format/': 'login login login ok redir redir ok',
    'admin/sprite/': 'ok ok ok ok ok ok ok',
    'admin/login/': 'ok ok ok redir redir redir redir',
    'admin/password_reset/': 'ok ok ok ok ok ok ok',
    'admin/password_reset/done/': 'ok ok ok ok ok ok ok',
    'admin/password_reset/confirm/<uidb64>/<token>/': 'ok ok ok ok ok ok ok',
    'admin/password_reset/complete/': 'ok ok ok ok ok ok ok',
    'admin/jsi18n/': 'ok ok ok ok ok ok ok',
    'admin/^.*/$': 'login login login 404 404 404 404',
    'documents/^(\\d+)/(.*)$': 'ok ok ok ok ok ok ok',
    'documents/authenticate_with_password/<int:restriction_id>/': '404 404 404 404 404 404 404',
    'api/v1/auth/token/': '405 405 405 405 405 405 405',
    'api/v1/imports/registry/': '401 403 403 403 405 405 405',
    'api/v1/org-units/': '401 403 403 403 ok ok ok',
    'api/v1/cooperatives/': '401 403 403 403 ok ok ok',
    'api/v1/people/': '401 403 403 403 ok ok ok',
    'api/v1/courses/': 'ok ok ok ok ok ok ok',
    'api/v1/courses/<int:course_id>/': 'ok ok ok ok ok ok ok',
    'api/v1/courses/<int:course_id>/enrol/': '401 405 405 405 405 405 405',
    'api/v1/courses/<int:course_id>/unenrol/': '401 405 405 405 405 405 405',
    'api/v1/enrollments/': '401 ok ok ok ok ok ok',
    'api/v1/enrollments/<int:enrollment_id>/': '401 ok 404 404 404 404 404',
    'api/v1/lessons/<int:lesson_id>/done/': '401 405 405 405 405 405 405',
    'api/v1/quizzes/<int:quiz_id>/attempts/': '401 405 405 405 405 405 405',
    'api/v1/attempts/': '401 ok ok ok ok ok ok',
    'api/v1/attempts/<int:attempt_id>/': '401 ok 404 404 404 404 404',
    'api/v1/attempts/<int:attempt_id>/submit/': '401 405 405 405 405 405 405',
    'api/v1/completions/': '401 ok ok ok ok ok ok',
    'api/v1/imports/attendance/': '401 403 403 405 405 405 405',
    'api/v1/certificates/verify/<str:code>/': 'ok ok ok ok ok ok ok',
    'api/v1/certificates/mine/': '401 ok ok ok ok ok ok',
    'api/v1/coverage/ [in scope]': '401 403 403 403 ok 403 ok',
    'api/v1/coverage/ [out of scope]': '401 403 403 403 403 ok ok',
    'api/v1/coverage/missing/ [in scope]': '401 403 403 403 ok 403 ok',
    'api/v1/coverage/missing/ [out of scope]': '401 403 403 403 403 ok ok',
    'api/v1/<path:unknown>': '404 404 404 404 404 404 404',
    'api/schema/': 'ok ok ok ok ok ok ok',
    'api/docs/': 'ok ok ok ok ok ok ok',
    'i18n/setlang/': 'redir redir redir redir redir redir redir',
    'jsi18n/': 'ok ok ok ok ok ok ok',
    'accounts/login/': 'ok redir redir redir redir redir redir',
    'accounts/logout/': '405 405 405 405 405 405 405',
    'healthz/': 'ok ok ok ok ok ok ok',
    'learning/': 'login ok ok ok ok ok ok',
    'learning/courses/<int:course_id>/enrol/': '405 405 405 405 405 405 405',
    'learning/courses/<int:course_id>/unenrol/': '405 405 405 405 405 405 405',
    'learning/lessons/<int:lesson_id>/done/': '405 405 405 405 405 405 405',
    'learning/quizzes/<int:quiz_id>/start/': '405 405 405 405 405 405 405',
    'learning/attempts/<int:attempt_id>/': 'login ok 404 404 404 404 404',
    'learning/attempts/<int:attempt_id>/submit/': '405 405 405 405 405 405 405',
    'certificates/mine/': 'login ok ok ok ok ok ok',
    'certificates/<int:pk>/download/': 'login ok 404 404 ok 404 ok',
    'certificates/verify/<str:code>/': 'ok ok ok ok ok ok ok',
    'coverage/ [in scope]': 'login 403 403 403 ok 403 ok',
    'coverage/ [out of scope]': 'login 403 403 403 403 ok ok',
    'coverage/export/<str:fmt>/ [in scope]': 'login 403 403 403 ok 403 ok',
    'coverage/people/ [in scope]': 'login 403 403 403 ok 403 ok',
    'coverage/people/ [out of scope]': 'login 403 403 403 403 ok ok',
    'coverage/people/export/<str:fmt>/ [in scope]': 'login 403 403 403 ok 403 ok',
    'catalogue/': 'redir redir redir redir redir redir redir',
    'sw.js': 'ok ok ok ok ok ok ok',
    'offline/': 'ok ok ok ok ok ok ok',
    '_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/': '404 404 404 404 404 404 404',
    '_util/login/': 'ok ok ok ok ok ok ok',
    '^((?:[\\w\\-]+/)*)$ [home]': 'ok ok ok ok ok ok ok',
    '^((?:[\\w\\-]+/)*)$ [course]': 'ok ok ok ok ok ok ok',
    '^((?:[\\w\\-]+/)*)$ [lesson]': 'ok ok ok ok ok ok ok',
    '^((?:[\\w\\-]+/)*)$ [quiz]': 'ok ok ok ok ok ok ok',
    '^((?:[\\w\\-]+/)*)$ [missing]': '404 404 404 404 404 404 404',
}

POST_TABLE: dict[str, str] = {
    'admin/learning/sessions/<int:session_id>/attendance/': 'login login login redir redir 404 redir',
    'admin/learning/enrol/': 'login login login ok ok ok ok',
    'admin/learning/import-attendance/': 'login login login ok ok ok ok',
    'admin/registry/import/': 'login login login redir ok ok ok',
    'api/v1/<path:unknown>': '404 404 404 404 404 404 404',
    'api/v1/auth/token/': '400 400 400 400 400 400 400',
    'api/v1/imports/registry/': '401 403 403 403 400 400 400',
    'api/v1/org-units/': '401 403 403 403 405 405 405',
    'api/v1/cooperatives/': '401 403 403 403 405 405 405',
    'api/v1/people/': '401 403 403 403 405 405 405',
    'api/v1/courses/': '405 405 405 405 405 405 405',
    'api/v1/courses/<int:course_id>/': '405 405 405 405 405 405 405',
    'api/v1/courses/<int:course_id>/enrol/': '401 ok ok ok ok ok ok',
    'api/v1/courses/<int:course_id>/unenrol/': '401 ok ok 404 404 404 404',
    'api/v1/enrollments/': '401 405 405 405 405 405 405',
    'api/v1/enrollments/<int:enrollment_id>/': '401 405 405 405 405 405 405',
    'api/v1/lessons/<int:lesson_id>/done/': '401 ok ok 403 403 403 403',
    'api/v1/quizzes/<int:quiz_id>/attempts/': '401 ok ok 403 403 403 403',
    'api/v1/attempts/': '401 405 405 405 405 405 405',
    'api/v1/attempts/<int:attempt_id>/': '401 405 405 405 405 405 405',
    'api/v1/attempts/<int:attempt_id>/submit/': '401 400 404 404 404 404 404',
    'api/v1/completions/': '401 405 405 405 405 405 405',
    'api/v1/imports/attendance/': '401 403 403 400 400 400 400',
    'api/v1/certificates/verify/<str:code>/': '405 405 405 405 405 405 405',
    'api/v1/certificates/mine/': '401 405 405 405 405 405 405',
    'api/v1/coverage/ [in scope]': '401 405 405 405 405 405 405',
    'api/v1/coverage/ [out of scope]': '401 405 405 405 405 405 405',
    'api/v1/coverage/missing/ [in scope]': '401 405 405 405 405 405 405',
    'api/v1/coverage/missing/ [out of scope]': '401 405 405 405 405 405 405',
    'accounts/login/': 'ok redir redir redir redir redir redir',
    'accounts/logout/': 'redir redir redir redir redir redir redir',
    'learning/': '405 405 405 405 405 405 405',
    'learning/courses/<int:course_id>/enrol/': 'login redir redir redir redir redir redir',
    'learning/courses/<int:course_id>/unenrol/': 'login redir redir redir redir redir redir',
    'learning/lessons/<int:lesson_id>/done/': 'login redir redir redir redir redir redir',
    'learning/quizzes/<int:quiz_id>/start/': 'login redir redir redir redir redir redir',
    'learning/attempts/<int:attempt_id>/': '405 405 405 405 405 405 405',
    'learning/attempts/<int:attempt_id>/submit/': 'login redir 404 404 404 404 404',
    'certificates/mine/': 'login 405 405 405 405 405 405',
    'certificates/<int:pk>/download/': 'login 405 405 405 405 405 405',
    'certificates/verify/<str:code>/': '405 405 405 405 405 405 405',
    'coverage/ [in scope]': 'login 403 403 403 ok 403 ok',
    'coverage/ [out of scope]': 'login 403 403 403 403 ok ok',
    'coverage/export/<str:fmt>/ [in scope]': 'login 403 403 403 ok 403 ok',
    'coverage/people/ [in scope]': 'login 403 403 403 ok 403 ok',
    'coverage/people/ [out of scope]': 'login 403 403 403 403 ok ok',
    'coverage/people/export/<str:fmt>/ [in scope]': 'login 403 403 403 ok 403 ok',
}
# fmt: on
