"""GET /api/v1/coverage/ and /api/v1/coverage/missing/ (CONTRACT §5)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from tests.factories.coverage import populate
from tests.factories.registry import UserFactory

URL = "/api/v1/coverage/"
MISSING = "/api/v1/coverage/missing/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def data(tree):
    return populate([tree[2], tree[3]], per_unit=3)


def as_user(api, user):
    api.force_authenticate(user)
    return api


def test_report_json_for_the_district(api, data, district_official):
    response = as_user(api, district_official).get(URL, {"plan": "cho-moi-2024", "as_of": "2024-12-31"})
    assert response.status_code == 200
    body = response.json()
    assert body["org_unit"] == {"code": "CM", "name": "Huyện Chợ Mới"}
    trained = body["indicators"][0]
    assert (trained["numerator"], trained["denominator"], trained["value"], trained["shortfall"]) == (
        2,
        6,
        33.3,
        4,
    )
    assert [row["org_unit"]["code"] for row in trained["breakdown"]] == ["CM-KA", "CM-KT"]
    jobs = body["indicators"][-1]
    assert (jobs["kind"], jobs["value"], jobs["denominator"]) == ("count", 2, None)


def test_unit_defaults_to_the_plan_root_or_the_official_own_unit(
    api, data, district_official, commune_official
):
    assert (
        as_user(api, district_official).get(URL, {"plan": "cho-moi-2024"}).json()["org_unit"]["code"] == "CM"
    )
    assert (
        as_user(api, commune_official).get(URL, {"plan": "cho-moi-2024"}).json()["org_unit"]["code"]
        == "CM-KA"
    )


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        ({}, 400, "kế hoạch"),
        ({"plan": "khong-co"}, 404, "khong-co"),
        ({"plan": "cho-moi-2024", "org_unit": "XX"}, 404, "XX"),
        ({"plan": "cho-moi-2024", "as_of": "31-12-2024x"}, 400, "Ngày không hợp lệ"),
        ({"plan": "cho-moi-2024", "as_of": "2024-02-30"}, 400, "Ngày không hợp lệ"),
    ],
)
def test_bad_requests_get_a_clear_error(api, tree, admin_user, params, status, words):
    response = as_user(api, admin_user).get(URL, params)
    assert response.status_code == status
    assert words in response.json()["detail"]


def test_official_outside_her_unit_is_refused(api, data, commune_official):
    response = as_user(api, commune_official).get(URL, {"plan": "cho-moi-2024", "org_unit": "CM"})
    assert response.status_code == 403
    assert "Xã Kiến An" in response.json()["detail"]
    sibling = as_user(api, commune_official).get(URL, {"plan": "cho-moi-2024", "org_unit": "CM-KT"})
    assert sibling.status_code == 403


def test_learners_and_anonymous_are_refused(api, data):
    assert api.get(URL, {"plan": "cho-moi-2024"}).status_code in (401, 403)
    learner = UserFactory(role="learner")
    assert as_user(api, learner).get(URL, {"plan": "cho-moi-2024"}).status_code == 403
    assert (
        as_user(api, learner)
        .get(MISSING, {"plan": "cho-moi-2024", "indicator": "managers_trained"})
        .status_code
        == 403
    )


def test_missing_list_names_people_in_the_population_without_evidence(api, data, district_official):
    response = as_user(api, district_official).get(
        MISSING,
        {"plan": "cho-moi-2024", "indicator": "managers_trained", "org_unit": "CM-KA", "as_of": "2024-12-31"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    person = body["results"][0]
    assert set(person) == {"code", "full_name", "org_unit", "cooperatives"}
    assert person["org_unit"] == {"code": "CM-KA", "name": "Xã Kiến An"}
    assert person["cooperatives"][0]["name"] == "HTX Xã Kiến An"
    assert person["cooperatives"][0]["role"] in {"Thành viên HĐQT", "Giám đốc"}
    trained_codes = {p.code for p in data if p.full_name.endswith(" 0")}
    assert not trained_codes & {p["code"] for p in body["results"]}


def test_missing_list_errors(api, data, district_official, commune_official):
    api = as_user(api, district_official)
    assert api.get(MISSING, {"plan": "cho-moi-2024"}).status_code == 400
    assert api.get(MISSING, {"plan": "cho-moi-2024", "indicator": "khong_co"}).status_code == 404
    refused = as_user(APIClient(), commune_official).get(
        MISSING, {"plan": "cho-moi-2024", "indicator": "managers_trained", "org_unit": "CM"}
    )
    assert refused.status_code == 403


def test_report_exports_through_the_api(api, data, district_official):
    api = as_user(api, district_official)
    params = {"plan": "cho-moi-2024", "as_of": "2024-12-31"}
    csv = api.get(URL, {**params, "format": "csv"})
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    assert csv.content.startswith("\ufeff".encode())
    xlsx = api.get(URL, {**params, "format": "xlsx"})
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames == ["Tổng hợp", "Theo địa bàn"]
    pdf = api.get(URL, {**params, "format": "pdf"})
    assert pdf.content.startswith(b"%PDF")
    refused = as_user(APIClient(), UserFactory(role="official", scope=data[0].org_unit)).get(
        URL, {**params, "org_unit": "CM", "format": "xlsx"}
    )
    assert refused.status_code == 403
    assert refused.json()["detail"]


def test_report_is_documented_in_the_openapi_schema(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert "/api/v1/coverage/" in schema["paths"]
    assert "/api/v1/coverage/missing/" in schema["paths"]
