"""The report page, its drill-downs, the people behind each number, and the
page's exports; an official never sees past her unit."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories.coverage import populate
from tests.factories.registry import UserFactory

pytestmark = pytest.mark.django_db
REPORT = reverse("coverage:report")
PEOPLE = reverse("coverage:people")


@pytest.fixture
def data(tree):
    return populate([tree[2], tree[3]], per_unit=3)


def test_report_page_shows_each_indicator_with_target_status_and_links(login, data, district_official):
    response = login(district_official).get(REPORT, {"as_of": "2024-12-31"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Báo cáo kết quả thực hiện chỉ tiêu" in html
    assert "31/12/2024" in html
    assert "33,3%" in html  # managers_trained: 2 of 6
    assert "Mục tiêu 100%" in html and "Mục tiêu 267" in html
    assert "Chậm tiến độ" in html
    assert "<svg" in html and "<script" not in html.split("<main", 1)[1]
    # drill-down to a child unit, and numbers linking to people lists
    assert "org_unit=CM-KA" in html
    assert "which=missing" in html and "which=covered" in html and "which=all" in html


def test_drill_down_shows_the_commune_and_its_breadcrumb(login, data, district_official):
    response = login(district_official).get(REPORT, {"org_unit": "CM-KA", "as_of": "2024-12-31"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Xã Kiến An" in html
    assert (
        f"{REPORT}?plan=cho-moi-2024&amp;org_unit=CM&amp;as_of=2024-12-31" in html
    )  # back up to the district
    assert "Tỉnh An Giang" not in html  # above her scope: no link


def test_people_list_shows_cooperative_role_and_phone(login, data, district_official):
    params = {
        "plan": "cho-moi-2024",
        "indicator": "managers_trained",
        "org_unit": "CM",
        "as_of": "2024-12-31",
    }
    missing = login(district_official).get(PEOPLE, {**params, "which": "missing"})
    html = missing.content.decode()
    assert missing.status_code == 200
    assert "Chưa đạt: 4 người" in html
    assert "HTX Xã Kiến An" in html and "Giám đốc" in html
    assert 'href="tel:0900000002"' in html
    covered = login(district_official).get(PEOPLE, {**params, "which": "covered"}).content.decode()
    assert "Đã đạt: 2 người" in covered
    everyone = login(district_official).get(PEOPLE, {**params, "which": "all"}).content.decode()
    assert "Tất cả: 6 người" in everyone


def test_people_list_of_cadres_shows_their_position(login, data, district_official):
    params = {"plan": "cho-moi-2024", "indicator": "cadres_advocacy", "org_unit": "CM", "which": "missing"}
    html = login(district_official).get(PEOPLE, params).content.decode()
    assert "Chưa đạt: 2 người" in html
    assert "Cán bộ Hội" in html


@pytest.mark.parametrize(
    "url",
    [
        f"{REPORT}?org_unit=CM",
        f"{REPORT}?org_unit=CM-KT",
        f"{PEOPLE}?indicator=managers_trained&org_unit=CM",
        f"{PEOPLE}?indicator=managers_trained&org_unit=CM-KT&which=all",
        reverse("coverage:export", args=["csv"]) + "?org_unit=CM",
        reverse("coverage:export", args=["xlsx"]) + "?org_unit=AG",
        reverse("coverage:export", args=["pdf"]) + "?org_unit=CM-KT",
        reverse("coverage:people_export", args=["csv"]) + "?indicator=managers_trained&org_unit=CM",
        reverse("coverage:people_export", args=["xlsx"]) + "?indicator=managers_trained&org_unit=CM-KT",
    ],
)
def test_official_is_refused_outside_her_unit_everywhere(login, data, commune_official, url):
    response = login(commune_official).get(url)
    assert response.status_code == 403
    assert "Xã Kiến An" in response.content.decode()


def test_official_sees_her_own_unit_by_default(login, data, commune_official):
    response = login(commune_official).get(REPORT)
    assert response.status_code == 200
    assert response.context["report"].org_unit.code == "CM-KA"


def test_admin_sees_every_unit(login, data, admin_user):
    response = login(admin_user).get(REPORT, {"org_unit": "AG"})
    assert response.status_code == 200
    assert "Huyện Chợ Mới" in response.content.decode()


def test_learner_and_anonymous_cannot_open_the_report(client, login, data):
    assert client.get(REPORT).status_code == 302  # to the login page
    learner = UserFactory(role="learner")
    assert login(learner).get(REPORT).status_code == 403
    assert login(learner).get(PEOPLE, {"indicator": "managers_trained"}).status_code == 403


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"plan": "khong-co"}, 404),
        ({"org_unit": "KHONG"}, 404),
        ({"as_of": "2024-13-40"}, 400),
    ],
)
def test_bad_input_gets_a_clear_page_not_a_crash(login, data, admin_user, params, status):
    response = login(admin_user).get(REPORT, params)
    assert response.status_code == status
    assert 'class="error"' in response.content.decode()


def test_people_list_needs_a_known_indicator(login, data, admin_user):
    assert login(admin_user).get(PEOPLE).status_code == 400
    assert login(admin_user).get(PEOPLE, {"indicator": "khong_co"}).status_code == 404
    assert login(admin_user).get(reverse("coverage:export", args=["doc"])).status_code == 404


def test_page_exports_match_what_the_page_shows(login, data, district_official):
    c = login(district_official)
    params = {"as_of": "2024-12-31"}
    raw = c.get(reverse("coverage:export", args=["csv"]), params)
    assert raw["Content-Disposition"].endswith('.csv"')
    rows = list(csv.reader(io.StringIO(raw.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Kế hoạch", "Tính đến ngày", "Mã địa bàn", "Địa bàn"]
    first = rows[1]
    assert first[2:5] == ["CM", "Huyện Chợ Mới", "managers_trained"]
    assert first[8:11] == ["2", "6", "33.3"]
    assert len(rows) == 1 + 6 * 3  # per indicator: the district and its two communes
    xlsx = c.get(reverse("coverage:export", args=["xlsx"]), params)
    ws = load_workbook(io.BytesIO(xlsx.content))["Tổng hợp"]
    assert ws["A8"].value == "managers_trained"
    assert ws["D8"].value == 2 and ws["E8"].value == 6
    assert ws["F8"].value == pytest.approx(0.333) and ws["F8"].number_format == "0.0%"
    pdf = c.get(reverse("coverage:export", args=["pdf"]), params)
    assert pdf.content.startswith(b"%PDF")


def test_people_export_lists_the_same_people(login, data, district_official):
    params = {"plan": "cho-moi-2024", "indicator": "managers_trained", "org_unit": "CM", "which": "missing"}
    raw = login(district_official).get(reverse("coverage:people_export", args=["csv"]), params)
    rows = list(csv.reader(io.StringIO(raw.content.decode("utf-8-sig"))))
    assert rows[0] == ["Mã", "Họ và tên", "Điện thoại", "Địa bàn", "HTX/THT", "Chức vụ"]
    assert len(rows) == 1 + 4
    xlsx = login(district_official).get(reverse("coverage:people_export", args=["xlsx"]), params)
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    assert ws["A3"].value == "Mã" and ws.max_row == 3 + 4


@pytest.mark.parametrize("who", ["admin", "official", "trainer", "learner"])
def test_the_report_is_offered_in_both_menus_to_those_who_may_open_it(login, tree, who):
    users = {
        "admin": UserFactory(username="quantri", role="admin"),
        "official": UserFactory(username="canbo.kienan", role="official", scope=tree[2]),
        "trainer": UserFactory(username="giangvien", role="trainer"),
        "learner": UserFactory(username="hocvien", role="learner"),
    }
    client = login(users[who])
    offered = who in ("admin", "official")
    assert (f'href="{REPORT}"' in client.get("/").content.decode()) == offered
    if who != "learner":
        # The admin's sidebar is described in JSON for its script.
        assert (f'"url": "{REPORT}"' in client.get("/admin/").content.decode()) == offered
