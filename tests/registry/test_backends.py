"""The signed-in account is read from a shared cache, and a change to it
(a password, a deactivation, a new name) takes effect on the next request
as if it were read from the database."""

import pytest
from django.core.cache import cache

from lms.registry.backends import ModelBackend
from tests.factories.courses import learner

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_cache(settings):
    settings.CACHE_IS_SHARED = True
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    cache.clear()
    yield
    cache.clear()


def test_with_a_shared_cache_the_account_is_read_once(shared_cache, django_assert_num_queries):
    lan = learner("lan", first_name="Lan")
    backend = ModelBackend()
    with django_assert_num_queries(1):
        backend.get_user(lan.pk)
    with django_assert_num_queries(0):
        assert backend.get_user(lan.pk).first_name == "Lan"
    lan.first_name = "Nguyễn Thị Lan"
    lan.save()
    with django_assert_num_queries(1):
        assert backend.get_user(lan.pk).first_name == "Nguyễn Thị Lan"


def test_with_a_cache_of_its_own_the_account_is_read_every_time(settings, django_assert_num_queries):
    settings.CACHE_IS_SHARED = False
    lan = learner("lan")
    for _ in range(2):
        with django_assert_num_queries(1):
            ModelBackend().get_user(lan.pk)


@pytest.mark.parametrize("change", ["password", "deactivated", "deleted"])
def test_a_changed_account_is_signed_out_on_the_next_request(client, shared_cache, change):
    lan = learner("lan", first_name="Nguyễn Thị Lan")
    client.force_login(lan)
    assert "Nguyễn Thị Lan" in client.get("/learning/").content.decode()
    if change == "password":
        lan.set_password("MatKhauMoi@2026")
        lan.save()
    elif change == "deactivated":
        lan.is_active = False
        lan.save()
    else:
        lan.delete()
    response = client.get("/learning/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_new_name_shows_on_the_next_page(client, shared_cache):
    lan = learner("lan", first_name="Lan")
    client.force_login(lan)
    client.get("/learning/")
    lan.first_name = "Nguyễn Thị Lan"
    lan.save(update_fields=["first_name"])
    assert 'class="who">Nguyễn Thị Lan<' in client.get("/learning/").content.decode()
