"""Fixtures of the certificates tests: a private media folder, a course,
and a real Celery worker process for the ``celery_worker`` tests."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection

from tests.factories.content import make_course

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://nangtam.example.vn"
    return settings.MEDIA_ROOT


@pytest.fixture
def course(db):
    return make_course("Quản trị hợp tác xã theo Luật Hợp tác xã 2023", lessons=1)


@pytest.fixture
def celery_worker_process(settings, tmp_path, django_db_setup):
    """A `celery -A lms worker` subprocess on the Redis broker of
    TEST_CELERY_BROKER_URL, reading the pytest-django test database and
    writing into this test's media folder. The worker and this process use a
    queue of their own, so that the worker takes no other run's tasks."""
    from lms.celery import app

    broker = os.environ["TEST_CELERY_BROKER_URL"]
    queue = f"nt-certs-test-{uuid.uuid4().hex[:8]}"
    database_url = urlsplit(os.environ["DATABASE_URL"])._replace(path="/" + connection.settings_dict["NAME"])
    env = {
        **os.environ,
        "DATABASE_URL": database_url.geturl(),
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "SITE_URL": settings.SITE_URL,
        "DJANGO_SETTINGS_MODULE": "lms.settings",
        "PYTHONUNBUFFERED": "1",
    }
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        worker = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "lms", "worker",
                "--pool=solo", "--hostname", f"{queue}@%h",
                "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "INFO",
            ],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "task_default_queue")}
    app.conf.update(broker_url=broker, task_always_eager=False, task_default_queue=queue)
    _drop_broker_connections(app)
    try:
        yield worker, log_path
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        with app.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)
        app.conf.update(saved)
        _drop_broker_connections(app)


def _drop_broker_connections(app) -> None:
    """Forget the connection pool and routing made for the broker set before
    (eager runs make them too), as Celery does after a fork, so that the next
    send goes to the broker and queue configured now."""
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    # The routing (default queue) is read once into app.amqp: make it anew.
    app.__dict__.pop("amqp", None)
