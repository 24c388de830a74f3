import datetime

import pytest

from lms.coverage.models import Plan
from lms.registry.models import OrgUnit
from tests.factories.registry import UserFactory, make_tree

D = datetime.date


@pytest.fixture
def tree(db):
    """Tỉnh An Giang > Huyện Chợ Mới > Xã Kiến An, Xã Kiến Thành."""
    return make_tree()


@pytest.fixture
def plan(tree) -> Plan:
    """The seeded plan; its root became the district when "CM" was created."""
    return Plan.objects.select_related("root").get(code="cho-moi-2024")


@pytest.fixture
def district(tree) -> OrgUnit:
    return tree[1]


@pytest.fixture
def admin_user(db):
    return UserFactory(username="quantri", role="admin")


@pytest.fixture
def district_official(tree):
    return UserFactory(username="canbo.huyen", role="official", scope=tree[1])


@pytest.fixture
def commune_official(tree):
    return UserFactory(username="canbo.kienan", role="official", scope=tree[2])


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login
