"""The registry API: POST /api/v1/imports/registry/ and the scoped lists."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from lms.registry.models import Affiliation, OrgUnit, Person, User
from tests.factories.registry import (
    AffiliationFactory,
    CooperativeFactory,
    OrgUnitFactory,
    PersonFactory,
    UserFactory,
    make_csv,
    official,
)
from tests.registry.helpers import PEOPLE, full_workbook

pytestmark = pytest.mark.django_db

IMPORT_URL = "/api/v1/imports/registry/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def upload(client, data: bytes, name: str = "registry.xlsx", query: str = ""):
    return client.post(f"{IMPORT_URL}{query}", {"file": SimpleUploadedFile(name, data)}, format="multipart")


@pytest.fixture
def admin(db):
    return UserFactory(role="admin")


def test_import_answers_counts(admin):
    response = upload(client_for(admin), full_workbook())
    assert response.status_code == 200
    body = response.json()
    assert body["dry_run"] is False
    assert body["counts"]["people"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert list(body["counts"]) == ["org_units", "cooperatives", "people", "affiliations", "cadres"]
    assert Person.objects.count() == 2


def test_import_dry_run_writes_nothing(admin):
    response = upload(client_for(admin), full_workbook(), query="?dry_run=1")
    assert response.status_code == 200
    assert response.json()["dry_run"] is True
    assert response.json()["counts"]["org_units"]["created"] == 3
    assert OrgUnit.objects.count() == 0


def test_import_errors_answer_400_with_every_error(admin):
    people = [*PEOPLE, ["P3", "Ai đó", "Z", None, None, "NOPE"]]
    response = upload(client_for(admin), full_workbook(people=people))
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "sheet": "people",
                "row": 4,
                "column": "gender",
                "message": response.json()["errors"][0]["message"],
            },
            {
                "sheet": "people",
                "row": 4,
                "column": "org_unit_code",
                "message": "Không có địa bàn mã “NOPE”.",
            },
        ]
    }
    assert "Z" in response.json()["errors"][0]["message"]
    assert Person.objects.count() == 0


def test_import_of_a_csv_sheet(admin):
    rows = [["code", "name", "level"], ["AG", "Tỉnh An Giang", "tỉnh"]]
    response = upload(
        client_for(admin), make_csv(rows, delimiter=";", encoding="cp1258"), name="org_units.csv"
    )
    assert response.status_code == 200, response.json()
    assert OrgUnit.objects.get().name == "Tỉnh An Giang"


@pytest.mark.parametrize(
    ("data", "name"), [(b"not a workbook", "registry.xlsx"), (b"", "registry.xlsx"), (b"%PDF", "scan.pdf")]
)
def test_unreadable_upload_answers_400_not_500(admin, data, name):
    response = upload(client_for(admin), data, name=name)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["sheet"] == "" and error["row"] is None and error["message"]


def test_missing_file_answers_400(admin):
    response = client_for(admin).post(IMPORT_URL, {}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"][0]["column"] == "file"


@pytest.mark.parametrize("role", ["learner", "trainer"])
def test_learners_and_trainers_get_403(db, role):
    response = upload(client_for(UserFactory(role=role)), full_workbook())
    assert response.status_code == 403
    assert OrgUnit.objects.count() == 0


def test_anonymous_is_refused(db):
    response = APIClient().post(
        IMPORT_URL, {"file": SimpleUploadedFile("r.xlsx", full_workbook())}, format="multipart"
    )
    assert response.status_code in (401, 403)


def test_official_cannot_import_outside_her_scope(tree):
    province, district, ka, kt = tree
    other = OrgUnitFactory(code="TS", level="district", parent=province)
    rows = [
        ["code", "full_name", "gender", "org_unit_code"],
        ["P1", "Trong", "F", "CM-KA"],
        ["P2", "Ngoài", "F", "TS"],
    ]
    response = upload(client_for(official(district)), make_csv(rows), name="people.csv")
    assert response.status_code == 400
    assert [(e["sheet"], e["row"], e["column"]) for e in response.json()["errors"]] == [
        ("people", 3, "org_unit_code")
    ]
    assert Person.objects.count() == 0
    assert other.people.count() == 0


# --- Lists ---------------------------------------------------------------------------


@pytest.fixture
def registry(tree):
    """Two cooperatives with people in CM-KA, one in another district."""
    province, district, ka, kt = tree
    elsewhere = OrgUnitFactory(code="TS", name="Huyện Thoại Sơn", level="district", parent=province)
    for unit in (ka, kt, elsewhere):
        coop = CooperativeFactory(org_unit=unit)
        for _ in range(2):
            AffiliationFactory(person=PersonFactory(org_unit=unit), cooperative=coop, role="member")
    return {"district": district, "ka": ka, "elsewhere": elsewhere}


def codes(response) -> set[str]:
    return {row["code"] for row in response.json()["results"]}


def test_official_lists_only_her_units_cooperatives_and_people(registry):
    client = client_for(official(registry["district"]))
    units = client.get("/api/v1/org-units/")
    assert units.status_code == 200
    assert codes(units) == {"CM", "CM-KA", "CM-KT"}
    coops = client.get("/api/v1/cooperatives/")
    assert {c["org_unit_code"] for c in coops.json()["results"]} == {"CM-KA", "CM-KT"}
    people = client.get("/api/v1/people/")
    assert people.json()["count"] == 4
    assert all(p["org_unit_code"] in ("CM-KA", "CM-KT") for p in people.json()["results"])
    assert all(len(p["affiliations"]) == 1 for p in people.json()["results"])
    assert set(people.json()["results"][0]["affiliations"][0]) == {
        "cooperative_code",
        "cooperative_name",
        "role",
        "start_date",
        "end_date",
        "stable_job",
    }


def test_admin_lists_everything(registry, admin):
    assert client_for(admin).get("/api/v1/people/").json()["count"] == 6


def test_within_filters_and_refuses_units_outside_scope(registry):
    client = client_for(official(registry["district"]))
    assert client.get("/api/v1/people/?within=CM-KA").json()["count"] == 2
    assert client.get("/api/v1/people/?within=TS").status_code == 404


def test_search_by_name_or_code(registry, admin):
    person = Person.objects.filter(org_unit=registry["ka"]).first()
    response = client_for(admin).get(f"/api/v1/people/?search={person.code}")
    assert codes(response) == {person.code}


@pytest.mark.parametrize("url", ["/api/v1/org-units/", "/api/v1/cooperatives/", "/api/v1/people/"])
def test_learners_cannot_list_the_registry(db, url):
    assert client_for(UserFactory(role="learner")).get(url).status_code == 403


@pytest.mark.parametrize(
    ("url", "queries"), [("/api/v1/org-units/", 3), ("/api/v1/cooperatives/", 3), ("/api/v1/people/", 4)]
)
def test_lists_run_a_constant_number_of_queries(registry, django_assert_num_queries, url, queries):
    pk = official(registry["district"]).pk

    def fresh_client():  # the account as authentication loads it, scope not yet read
        return client_for(User.objects.get(pk=pk))

    # her scope + count + page (+ the affiliations of the page)
    client = fresh_client()
    with django_assert_num_queries(queries):
        small = client.get(url)
    ka = registry["ka"]
    for _ in range(15):
        unit = OrgUnitFactory(parent=ka)
        coop = CooperativeFactory(org_unit=unit)
        AffiliationFactory(person=PersonFactory(org_unit=unit), cooperative=coop)
        AffiliationFactory(person=PersonFactory(org_unit=unit), cooperative=coop, role="director")
    client = fresh_client()
    with django_assert_num_queries(queries):
        large = client.get(url)
    assert large.json()["count"] > small.json()["count"]


def test_lists_are_paginated(registry, admin):
    body = client_for(admin).get("/api/v1/people/?limit=2").json()
    assert body["count"] == 6 and len(body["results"]) == 2 and body["next"]


def test_schema_documents_the_registry_api(admin):
    client = APIClient()
    response = client.get("/api/schema/")
    text = response.content.decode()
    for path in (
        "/api/v1/imports/registry/",
        "/api/v1/org-units/",
        "/api/v1/cooperatives/",
        "/api/v1/people/",
    ):
        assert path in text
    assert "dry_run" in text


def test_affiliations_of_people_are_those_of_her_scope(registry):
    person = Person.objects.filter(org_unit=registry["ka"]).first()
    outside = CooperativeFactory(org_unit=registry["elsewhere"])
    AffiliationFactory(person=person, cooperative=outside, role="worker")
    body = client_for(official(registry["district"])).get(f"/api/v1/people/?search={person.code}").json()
    assert [a["role"] for a in body["results"][0]["affiliations"]] == ["member"]
    assert Affiliation.objects.filter(person=person).count() == 2
