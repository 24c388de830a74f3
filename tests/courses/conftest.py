from types import SimpleNamespace

import pytest

from tests.factories.courses import learner
from tests.factories.courses import quick_course as make_course
from tests.factories.registry import CooperativeFactory, OrgUnitFactory, PersonFactory, UserFactory, make_tree


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Accounts are made by the dozen here; a slow hash buys nothing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def tree():
    province, district, ka, kt = make_tree()
    other = OrgUnitFactory(code="LX", name="Thành phố Long Xuyên", level="district", parent=province)
    return SimpleNamespace(province=province, district=district, ka=ka, kt=kt, other=other)


@pytest.fixture
def course(db):
    return make_course("Quản trị hợp tác xã", lessons=2)


@pytest.fixture
def cast(tree):
    """Everyone of the permission matrix. Learner A lives in Kiến An
    (district Chợ Mới); the in-scope official is scoped to Chợ Mới, the other
    to Long Xuyên."""
    a = learner("learner_a", person=PersonFactory(full_name="Nguyễn Thị A", org_unit=tree.ka))
    b = learner("learner_b", person=PersonFactory(full_name="Trần Thị B", org_unit=tree.kt))
    return SimpleNamespace(
        a=a,
        b=b,
        trainer=UserFactory(username="trainer", role="trainer"),
        official_in=UserFactory(username="official_in", role="official", scope=tree.district),
        official_out=UserFactory(username="official_out", role="official", scope=tree.other),
        admin=UserFactory(username="admin", role="admin"),
        coop_ka=CooperativeFactory(code="HTX-KA", name="HTX Kiến An", org_unit=tree.ka),
        coop_lx=CooperativeFactory(code="HTX-LX", name="HTX Long Xuyên", org_unit=tree.other),
    )


OTHERS = ["b", "trainer", "official_in", "official_out", "admin"]
