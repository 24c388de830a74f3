"""The registry's Wagtail admin screens: scoped listings and forms, the
import page, accounts."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lms.registry.admin_views import IMPORT_SESSION_KEY
from lms.registry.models import Affiliation, CadrePosition, Cooperative, OrgUnit, Person, User
from lms.registry.roles import OFFICIALS
from tests.factories.registry import (
    AffiliationFactory,
    CadrePositionFactory,
    CooperativeFactory,
    OrgUnitFactory,
    PersonFactory,
    UserFactory,
    official,
)
from tests.registry.helpers import PEOPLE, full_workbook

pytestmark = pytest.mark.django_db

VIEWSETS = [
    "registry_org_units",
    "registry_cooperatives",
    "registry_people",
    "registry_affiliations",
    "registry_cadres",
]


@pytest.fixture
def world(tree):
    """Rows in CM-KA (inside the official's district) and in TS-1 (outside)."""
    province, district, ka, kt = tree
    ts = OrgUnitFactory(code="TS", name="Huyện Thoại Sơn", level="district", parent=province)
    ts1 = OrgUnitFactory(code="TS-1", name="Xã Vọng Thê", level="commune", parent=ts)
    rows = {}
    for key, unit in (("in", ka), ("out", ts1)):
        coop = CooperativeFactory(code=f"H-{key}", name=f"HTX {key}", org_unit=unit)
        person = PersonFactory(code=f"P-{key}", full_name=f"Người {key}", org_unit=unit)
        rows[key] = {
            "org_units": unit,
            "cooperatives": coop,
            "people": person,
            "affiliations": AffiliationFactory(person=person, cooperative=coop),
            "cadres": CadrePositionFactory(person=person, org_unit=unit),
        }
    return {"district": district, "ka": ka, "ts1": ts1, "rows": rows, "official": official(district)}


def objects(world, viewset, where):
    return world["rows"][where][viewset.removeprefix("registry_")]


@pytest.mark.parametrize("viewset", VIEWSETS)
def test_official_lists_only_rows_of_her_scope(client, world, viewset):
    client.force_login(world["official"])
    response = client.get(reverse(f"{viewset}:index"))
    assert response.status_code == 200
    listed = set(response.context["object_list"])
    assert objects(world, viewset, "in") in listed
    assert objects(world, viewset, "out") not in listed


@pytest.mark.parametrize("viewset", VIEWSETS)
@pytest.mark.parametrize("view", ["edit", "delete", "history"])
def test_rows_outside_her_scope_are_404_even_by_url(client, world, viewset, view):
    client.force_login(world["official"])
    outside = objects(world, viewset, "out")
    assert client.get(reverse(f"{viewset}:{view}", args=[outside.pk])).status_code == 404
    assert client.post(reverse(f"{viewset}:{view}", args=[outside.pk]), {}).status_code == 404
    assert type(outside).objects.filter(pk=outside.pk).exists()
    inside = objects(world, viewset, "in")
    assert client.get(reverse(f"{viewset}:{view}", args=[inside.pk])).status_code == 200


def test_form_choices_are_limited_to_her_scope(client, world):
    client.force_login(world["official"])
    form = client.get(reverse("registry_cooperatives:add")).context["form"]
    assert set(form.fields["org_unit"].queryset.values_list("code", flat=True)) == {"CM", "CM-KA", "CM-KT"}
    form = client.get(reverse("registry_affiliations:add")).context["form"]
    assert set(form.fields["cooperative"].queryset) == {world["rows"]["in"]["cooperatives"]}
    assert set(form.fields["person"].queryset) == {world["rows"]["in"]["people"]}


def test_a_forged_unit_outside_her_scope_is_refused(client, world):
    client.force_login(world["official"])
    data = {"code": "H-new", "name": "HTX mới", "kind": "HTX", "org_unit": world["ts1"].pk, "women_led": "on"}
    response = client.post(reverse("registry_cooperatives:add"), data)
    assert response.status_code == 200
    assert "org_unit" in response.context["form"].errors
    assert not Cooperative.objects.filter(code="H-new").exists()
    data["org_unit"] = world["ka"].pk
    response = client.post(reverse("registry_cooperatives:add"), data)
    assert response.status_code == 302
    assert Cooperative.objects.get(code="H-new").org_unit == world["ka"]


def test_official_cannot_create_a_root_unit_or_a_person_without_unit(client, world):
    client.force_login(world["official"])
    response = client.post(
        reverse("registry_org_units:add"), {"code": "R", "name": "Tỉnh mới", "level": "province"}
    )
    assert "parent" in response.context["form"].errors
    response = client.post(reverse("registry_people:add"), {"code": "PX", "full_name": "Ai", "gender": "F"})
    assert "org_unit" in response.context["form"].errors
    assert not OrgUnit.objects.filter(code="R").exists() and not Person.objects.filter(code="PX").exists()


def test_official_may_rename_her_own_unit_but_not_move_it(client, world):
    client.force_login(world["official"])
    district = world["district"]
    url = reverse("registry_org_units:edit", args=[district.pk])
    response = client.post(
        url, {"code": "CM", "name": "Huyện Chợ Mới mới", "level": "district", "parent": world["ts1"].pk}
    )
    assert response.status_code == 302
    district.refresh_from_db()
    assert district.name == "Huyện Chợ Mới mới" and district.parent.code == "AG"


def test_moving_a_unit_under_its_own_child_is_refused(client, world, admin):
    client.force_login(admin)
    district = world["district"]
    data = {"code": "CM", "name": "Huyện Chợ Mới", "level": "district", "parent": world["ka"].pk}
    response = client.post(reverse("registry_org_units:edit", args=[district.pk]), data)
    assert "parent" in response.context["form"].errors
    district.refresh_from_db()
    assert district.parent.code == "AG"


def test_moving_a_unit_in_the_admin_moves_its_subtree(client, world, admin):
    client.force_login(admin)
    district = world["district"]
    ts = OrgUnit.objects.get(code="TS")
    data = {"code": "CM", "name": "Huyện Chợ Mới", "level": "district", "parent": ts.pk}
    assert client.post(reverse("registry_org_units:edit", args=[district.pk]), data).status_code == 302
    assert OrgUnit.objects.get(code="CM-KA").is_within(ts)


def test_deleting_a_unit_that_is_still_used_shows_an_error(client, world, admin):
    client.force_login(admin)
    response = client.post(reverse("registry_org_units:delete", args=[world["ka"].pk]), follow=True)
    assert response.status_code == 200
    assert OrgUnit.objects.filter(pk=world["ka"].pk).exists()
    assert any("Không xoá được" in str(m) for m in response.context["messages"])


@pytest.fixture
def admin(db):
    return UserFactory(role="admin")


def grow(world, n: int) -> None:
    """``n`` more of every registry row inside the official's scope."""
    for _ in range(n):
        unit = OrgUnitFactory(parent=world["ka"])
        coop = CooperativeFactory(org_unit=unit)
        person = PersonFactory(org_unit=unit)
        AffiliationFactory(person=person, cooperative=coop)
        CadrePositionFactory(person=person, org_unit=unit)


@pytest.mark.parametrize("viewset", VIEWSETS)
@pytest.mark.parametrize("who", ["official", "admin"])
def test_listings_run_a_constant_number_of_queries(
    client, world, admin, django_assert_num_queries, viewset, who
):
    client.force_login(world["official"] if who == "official" else admin)
    url = reverse(f"{viewset}:index")
    client.get(url)  # warm the per-process caches (content types, site)
    with CaptureQueriesContext(connection) as small:
        first = client.get(url)
    grow(world, 12)
    with django_assert_num_queries(len(small)):
        second = client.get(url)
    assert len(second.context["object_list"]) > len(first.context["object_list"])


@pytest.mark.parametrize("role", ["learner", "trainer"])
def test_learners_and_trainers_cannot_open_the_registry(client, world, role):
    client.force_login(UserFactory(role=role))
    for viewset in [*VIEWSETS, "registry_import"]:
        response = client.get(reverse(f"{viewset}:index"))
        assert response.status_code in (302, 403)
        assert b"Ng\xc6\xb0\xe1\xbb\x9di in" not in response.content  # no rows leak ("Người in")


def test_officials_group_holds_the_registry_permissions(db):
    from django.contrib.auth.models import Group

    codenames = set(Group.objects.get(name=OFFICIALS).permissions.values_list("codename", flat=True))
    for model in ("orgunit", "cooperative", "person", "affiliation", "cadreposition"):
        assert {f"view_{model}", f"add_{model}", f"change_{model}", f"delete_{model}"} <= codenames
    assert "change_user" not in codenames


def test_menu_groups_the_registry_screens(client, world):
    client.force_login(world["official"])
    page = client.get("/admin/").content.decode()
    for url in ("/admin/registry/units/", "/admin/registry/people/", "/admin/registry/import/"):
        assert url in page
    assert "/admin/registry/accounts/" not in page


# --- Import page ---------------------------------------------------------------


def upload(client, data: bytes, name: str = "registry.xlsx"):
    return client.post(reverse("registry_import:index"), {"file": SimpleUploadedFile(name, data)})


def test_import_page_dry_runs_then_imports_the_same_file_on_confirm(client, admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(admin)
    response = upload(client, full_workbook())
    assert response.status_code == 200
    result = response.context["result"]
    assert result.ok and result.dry_run and result.counts["people"].created == 2
    assert Person.objects.count() == 0  # only checked so far
    token = response.context["token"]
    assert token and f'value="{token}"' in response.content.decode()
    done = client.post(reverse("registry_import:index"), {"confirm": token}, follow=True)
    assert done.status_code == 200
    assert (
        Person.objects.count() == 2
        and Affiliation.objects.count() == 2
        and CadrePosition.objects.count() == 1
    )
    assert any("Đã nhập tệp registry.xlsx" in str(m) for m in done.context["messages"])
    assert not any(tmp_path.rglob("*.xlsx"))  # the kept file is gone
    # Confirming twice (a double click) imports nothing more.
    again = client.post(reverse("registry_import:index"), {"confirm": token}, follow=True)
    assert any("hết hạn" in str(m) for m in again.context["messages"])
    assert Person.objects.count() == 2


def test_import_page_shows_every_error_and_offers_no_confirm(client, admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(admin)
    response = upload(client, full_workbook(people=[*PEOPLE, ["P3", "Ai", "Z", None, None, "NOPE"]]))
    page = response.content.decode()
    assert response.context["token"] is None
    assert [(e.sheet, e.row, e.column) for e in response.context["result"].errors] == [
        ("people", 4, "gender"),
        ("people", 4, "org_unit_code"),
    ]
    assert "Không có địa bàn mã “NOPE”" in page and 'name="confirm"' not in page
    assert client.session.get(IMPORT_SESSION_KEY) in (None, {})
    assert Person.objects.count() == 0


def test_import_page_refuses_other_file_types_and_unreadable_files(client, admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(admin)
    response = upload(client, b"%PDF-1.4", name="scan.pdf")
    assert response.status_code == 200 and "file" in response.context["form"].errors
    response = upload(client, b"garbage", name="registry.xlsx")
    assert response.status_code == 200 and not response.context["result"].ok


def test_a_confirm_token_from_elsewhere_imports_nothing(client, admin):
    client.force_login(admin)
    response = client.post(reverse("registry_import:index"), {"confirm": "../../etc/passwd"}, follow=True)
    assert response.status_code == 200 and OrgUnit.objects.count() == 0


def test_official_import_page_refuses_rows_outside_her_scope(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world["official"])
    rows = [["code", "full_name", "gender", "org_unit_code"], ["P1", "Ai", "F", "TS-1"]]
    from tests.factories.registry import make_workbook

    response = upload(client, make_workbook({"people": rows}))
    assert [(e.sheet, e.row, e.column) for e in response.context["result"].errors] == [
        ("people", 2, "org_unit_code")
    ]


# --- Accounts ------------------------------------------------------------------


def test_admin_creates_an_official_account_with_scope_and_group(client, world, admin):
    client.force_login(admin)
    data = {
        "username": "can-bo-cm",
        "role": "official",
        "scope": world["district"].pk,
        "new_password": "Mat-khau-moi-2024!",
        "is_active": "on",
    }
    response = client.post(reverse("registry_accounts:add"), data)
    assert response.status_code == 302, response.context["form"].errors
    user = User.objects.get(username="can-bo-cm")
    assert user.scope == world["district"] and user.check_password("Mat-khau-moi-2024!")
    assert set(user.groups.values_list("name", flat=True)) == {OFFICIALS} and user.is_staff


def test_an_official_account_needs_a_scope(client, world, admin):
    client.force_login(admin)
    data = {"username": "x", "role": "official", "new_password": "Mat-khau-moi-2024!", "is_active": "on"}
    response = client.post(reverse("registry_accounts:add"), data)
    assert "scope" in response.context["form"].errors


def test_editing_an_account_without_a_password_keeps_it(client, world, admin):
    user = UserFactory(username="hoa", role="learner")
    client.force_login(admin)
    data = {
        "username": "hoa",
        "role": "trainer",
        "person": world["rows"]["in"]["people"].pk,
        "is_active": "on",
    }
    assert client.post(reverse("registry_accounts:edit", args=[user.pk]), data).status_code == 302
    user.refresh_from_db()
    assert user.role == "trainer" and user.person.code == "P-in" and user.check_password("Mat-khau-2024!")


def test_officials_cannot_manage_accounts(client, world):
    client.force_login(world["official"])
    assert client.get(reverse("registry_accounts:index")).status_code in (302, 403)
