import pytest

from tests.factories.registry import make_tree


@pytest.fixture
def tree(db):
    """Tỉnh An Giang > Huyện Chợ Mới > Xã Kiến An, Xã Kiến Thành."""
    return make_tree()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
