import os

import pytest
from django.db import connection


def pytest_collection_modifyitems(config, items):
    on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))
    has_broker = bool(os.environ.get("TEST_CELERY_BROKER_URL"))
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: runs in the PostgreSQL pass of `make test`")
    skip_worker = pytest.mark.skip(
        reason="needs a real Celery worker on Redis and PostgreSQL: runs in the PostgreSQL pass when Redis answers"
    )
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)
        if "celery_worker" in item.keywords and not (on_postgres and has_broker):
            item.add_marker(skip_worker)


@pytest.fixture(autouse=True)
def _defaults(settings):
    """Each test starts in the default language, as a new visitor would, and
    accounts made by factories need no slow password hashing."""
    settings.LANGUAGE_CODE = "vi"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.utils import translation

    translation.activate("vi")
    yield
    translation.deactivate()


@pytest.fixture
def db_vendor():
    return connection.vendor
