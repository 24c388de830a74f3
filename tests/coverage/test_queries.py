"""The report costs the same number of queries whatever the size of the data:
one per indicator plus a fixed few."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from lms.coverage.selectors import coverage_for_unit
from lms.registry.models import OrgUnit
from tests.factories.coverage import certify, make_session, populate

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def tuning(db_vendor) -> int:
    """The report first reads how to read (and, on PostgreSQL, sets its
    planner settings): one query."""
    return 1


def grow(tree, communes: int, per_unit: int):
    district = tree[1]
    units = [tree[2], tree[3]] + [
        OrgUnit.objects.create(code=f"CM-X{i}", name=f"Xã {i}", level="commune", parent=district)
        for i in range(communes)
    ]
    people = populate(units, per_unit=per_unit)
    session = make_session("technology", end=D(2024, 8, 1))
    for person in people[:: per_unit + 2]:
        certify(person, session=session, issued_on=D(2024, 8, 1))
    return district


@pytest.mark.parametrize(("communes", "per_unit"), [(0, 1), (6, 8)])
def test_report_queries_do_not_grow_with_the_data(
    plan, tree, communes, per_unit, tuning, django_assert_num_queries
):
    district = grow(tree, communes, per_unit)
    # indicators, their topics, the children, then one for every indicator
    with django_assert_num_queries(3 + 1 + tuning):
        report = coverage_for_unit(plan=plan, unit=district, as_of=D(2024, 12, 31))
    assert len(report.results[0].breakdown) == 2 + communes


@pytest.mark.parametrize(("communes", "per_unit"), [(0, 1), (6, 8)])
def test_page_queries_do_not_grow_with_the_data(
    plan, tree, communes, per_unit, login, district_official, tuning, django_assert_num_queries
):
    grow(tree, communes, per_unit)
    client = login(district_official)
    # session and account, scope, plan, unit, the report (4), ancestors, snapshots, plan list
    with django_assert_num_queries(11 + tuning):
        response = client.get(reverse("coverage:report"), {"as_of": "2024-12-31"})
    assert response.status_code == 200


@pytest.mark.parametrize(("communes", "per_unit"), [(0, 1), (6, 8)])
def test_people_list_and_api_queries_do_not_grow_with_the_data(
    plan, tree, communes, per_unit, login, district_official, tuning, django_assert_num_queries
):
    grow(tree, communes, per_unit)
    client = login(district_official)
    params = {"indicator": "members_digital", "which": "all", "as_of": "2024-12-31"}
    # session and account, scope, plan, unit, indicator + topics, count, page, qualifying roles
    with django_assert_num_queries(9):
        response = client.get(reverse("coverage:people"), params)
    assert response.status_code == 200
    api = APIClient()
    api.force_authenticate(district_official)
    # the plan (with its root: the default unit) and the report (4)
    with django_assert_num_queries(5 + tuning):
        assert api.get("/api/v1/coverage/", {"plan": "cho-moi-2024"}).status_code == 200
