"""Browser tests: Debian's Chromium drives the real server.

One server and one demo database serve the whole session: a temporary
SQLite file (migrations, ``load_demo`` and a content reviewer, see
``prepare.py``), media in a temporary folder, Celery tasks run inline, and
``manage.py runserver`` on a free local port with the embedded defaults
(``DEBUG`` on, so the server also serves static and media files).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.prepare import PASSWORD

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "e2e"
TIMINGS: dict[str, float] = {}
# The machine may be busy: give pages time before an expectation fails.
expect.set_options(timeout=20_000)


def pytest_configure(config):
    # pytest-playwright's own base_url fixture trips a pytest deprecation.
    config.addinivalue_line(
        "filterwarnings",
        "ignore:Session-scoped fixtures defined as instance methods:pytest.PytestRemovedIn10Warning",
    )


def pytest_terminal_summary(terminalreporter):
    for what, seconds in TIMINGS.items():
        terminalreporter.write_line(f"e2e: {what} in {seconds:.0f} s")


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM):
        return
    skip = pytest.mark.skip(reason=f"Chromium is not installed at {CHROMIUM}: the browser tests are skipped")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> str:
    """The base URL of a server running on a fresh demo database
    (``E2E_SERVER_URL`` names one already running instead)."""
    if os.environ.get("E2E_SERVER_URL"):
        yield os.environ["E2E_SERVER_URL"].rstrip("/")
        return
    tmp = tmp_path_factory.mktemp("e2e")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "DJANGO_ENV", "DEBUG", "SITE_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="lms.settings",
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        MEDIA_ROOT=str(tmp / "media"),
        SITE_URL=url,
        CELERY_TASK_ALWAYS_EAGER="1",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    log = tmp / "server.log"
    started = time.monotonic()
    prepare = subprocess.run(
        [sys.executable, "-m", "tests.e2e.prepare"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if prepare.returncode != 0:
        pytest.fail(
            f"preparing the demo database failed:\n{prepare.stdout[-3000:]}\n{prepare.stderr[-3000:]}"
        )
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz/", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the server did not start:\n{_tail(log)}")
            time.sleep(0.3)
        TIMINGS["demo database and server ready"] = time.monotonic() - started
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        errors = [line for line in log.read_text(errors="replace").splitlines() if "Traceback" in line]
        if errors:
            print(f"\nserver log (tail):\n{_tail(log, 80)}")


class Shots:
    """Full-page screenshots numbered in the order taken:
    ``build/e2e/<journey>/NN-name.png``."""

    def __init__(self, journey: str):
        self.folder = SCREENSHOTS / journey
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.count = 0

    def __call__(self, page, name: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def shots(request):
    return Shots(request.node.module.__name__.rsplit(".", 1)[-1].removeprefix("test_"))


@pytest.fixture
def log_in(server):
    """``log_in(page, username)``: log in through the site's login form and
    land on ``next_url``."""

    def log_in(page, username: str, *, next_url: str = "/") -> None:
        page.goto(f"{server}/accounts/login/?next={next_url}")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        assert "/accounts/login/" not in page.url, f"{username} could not log in"

    return log_in
