"""Load test: 50 logged-in learners against the production set-up.

A fresh PostgreSQL database gets the demo (``migrate`` + ``load_demo``) and
50 learner accounts enrolled in every course, each with a session already
open. Gunicorn serves the project with production settings (``DJANGO_ENV=
production``, Redis cache, PostgreSQL) on a free loopback port, and Locust
(headless, loopback only, bounded in users and time) drives it in three
phases, one after the other:

1. the learners' mix, 50 users with a learner's think time between two
   tasks (``BENCH_LOAD_WAIT``, 0.5 to 1.5 s by default): lesson pages read
   in order (most requests), the catalogue, course pages, quizzes (page,
   start, question form, submit, result; every fourth submission is sent
   twice at once, as a double tap) and certificate verification pages.
   It gives the per-endpoint table, the errors, the latency a learner sees
   (``lesson_p95_ms``, ``quiz_submit_p95_ms``) and the submissions checked
   in the database;
2. lessons only, 50 logged-in learners reading lesson pages in order with
   no think time: what the server can serve of its most asked page
   (``lesson_rps``);
3. 50 users on ``/bench/bare/``, a bare Django view answering a tiny HTML
   page on the same server (``tests/benchmarks/load_urls.py``), also with
   no think time: the yardstick of what the server and the client manage
   here at all (``bare_rps``).

``lesson_vs_bare`` compares phases 2 and 3: both saturated (50 users asking
as fast as they are answered, a closed loop), on the same server in the
same run, so like is compared with like. The mix is not saturated on
purpose: 50 users without think time would measure queueing (a page's
latency then includes its wait in the queue, about 50 / requests per second
by Little's law), not what a learner waits for; with a think time of about
a second, 50 users make a busy but realistic class, and their p95 is the
latency goal. The table shows the lesson-only phase's latencies too.

Gunicorn runs 2 gthread workers of 4 threads: threads keep the 50 clients'
connections alive (a sync worker closes each one) and let a request that
waits on PostgreSQL (a quiz submission waits for its commit) leave the CPU
to another, without more processes than the machine's 2 cores. Celery tasks
run inline (``CELERY_TASK_ALWAYS_EAGER``): no submission in the mix completes
a course (no lesson is marked done), so no certificate is rendered.

Afterwards the database is checked: every submission the client saw graded
has exactly one graded attempt, and there is no graded attempt the client
did not see (``lost_attempts`` = missing + extra).

Figures: ``lesson_rps``, ``lesson_p95_ms``, ``bare_rps``, ``lesson_vs_bare``,
``quiz_submit_p95_ms``, ``load_errors`` (all three phases),
``lost_attempts``. Goals: no error, no lost attempt, lesson p95 under
150 ms, lesson_vs_bare at least 0.15.

Environment: ``BENCH_PG_URL`` (the server; the database is
``nangtam_load``), ``BENCH_REDIS_URL`` (its database is flushed),
``BENCH_LOAD_PORT`` (default: any free port), ``BENCH_LOAD_SECONDS`` (mix
duration, default 30), ``BENCH_LOAD_WAIT`` (the mix's think time
"min,max" in seconds, default "0.5,1.5").
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tests.benchmarks._setup import ROOT, create_pg_database, pg_url, report

USERS = 50
SPAWN_RATE = 25
# The saturated phases (lessons only, bare view).
LESSON_SECONDS = 10
BARE_SECONDS = 10
MIX_WAIT = "0.5,1.5"
DB_NAME = "nangtam_load"
VENV_BIN = Path(sys.executable).parent
PASSWORD = "NangTam@2024"  # noqa: S105 - the demo's password, on a throwaway database


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis_answers(url: str) -> bool:
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return False
    return True


def _psql(url: str, sql: str) -> None:
    from urllib.parse import urlparse

    import psycopg

    u = urlparse(url)
    with psycopg.connect(
        host=u.hostname, port=u.port or 5432, user=u.username, dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(sql)


def _server_env(*, db_url: str, redis_url: str, port: int, tmp: Path) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "tests.benchmarks.load_settings",
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port}",
        # Plain HTTP on loopback: no TLS proxy in front, so no redirect to
        # https and no HSTS; the client sends the Secure cookies back anyway.
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": db_url,
        "CACHE_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "MEDIA_ROOT": str(tmp / "media"),
        "LOG_LEVEL": "WARNING",
    }


def _create_learners(count: int) -> list[dict]:
    """``count`` learner accounts enrolled in every live course, each with an
    open session (as after a login, in the session engine the server uses:
    with the Redis cache, the cache and the database); in a few bulk
    queries."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore  # noqa: N806 - a class

    from content.models import CoursePage
    from courses.models import Enrollment
    from lms.registry.models import User

    password = make_password(PASSWORD)
    users = User.objects.bulk_create(
        User(
            username=f"hocvien.tai{i:03d}",
            first_name=f"Học viên tải {i:03d}",
            role=User.AccountRole.LEARNER,
            password=password,
        )
        for i in range(1, count + 1)
    )
    courses = list(CoursePage.objects.live())
    Enrollment.objects.bulk_create(Enrollment(user=u, course=c) for u in users for c in courses)
    backends = settings.AUTHENTICATION_BACKENDS
    backend = next((b for b in backends if b.endswith("ModelBackend")), backends[-1])
    learners = []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        learners.append(
            {"username": user.username, "name": user.get_full_name(), "session": session.session_key}
        )
    return learners


def _plan(*, learners: list[dict], results: Path) -> dict:
    from django.conf import settings

    from certificates.models import Certificate
    from content.models import CourseIndexPage, CoursePage, LessonPage, QuizPage

    courses = []
    for course in CoursePage.objects.live().order_by("path"):
        quiz = QuizPage.objects.live().child_of(course).order_by("path").first()
        courses.append(
            {
                "url": course.url,
                "lessons": [p.url for p in LessonPage.objects.live().child_of(course).order_by("path")],
                "quiz": quiz.pk if quiz else None,
                "quiz_url": quiz.url if quiz else None,
                "max_attempts": quiz.max_attempts if quiz else 0,
            }
        )
    return {
        "learners": learners,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "catalogue": CourseIndexPage.objects.live().first().url,
        "courses": [c for c in courses if c["lessons"]],
        "certificates": list(Certificate.objects.order_by("pk").values_list("code", flat=True)[:50]),
        "bare": "/bench/bare/",
        "results": str(results),
    }


def _wait_until_up(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:  # noqa: S310 - loopback
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer in time")


def _warm(host: str, plan: dict) -> None:
    """One pass over the pages, twice (two workers), as a learner: the
    template loaders, URL resolvers and caches of a server that has run."""
    opener = urllib.request.build_opener(urllib.request.HTTPRedirectHandler())
    cookie = f"{plan['session_cookie']}={plan['learners'][0]['session']}"
    paths = [plan["catalogue"], plan["bare"]]
    for course in plan["courses"]:
        paths += [course["url"], *course["lessons"]]
    for _ in range(2):
        for path in paths:
            req = urllib.request.Request(host + path, headers={"Cookie": cookie})  # noqa: S310 - loopback
            with opener.open(req, timeout=30) as resp:
                body = resp.read().decode()
            if path in plan["courses"][0]["lessons"] and plan["learners"][0]["name"] not in body:
                raise RuntimeError("the learners' sessions are not accepted by the server")


def _locust(*, host: str, user_class: str, seconds: int, prefix: Path, env: dict, log: Path) -> list[dict]:
    cmd = [
        str(VENV_BIN / "locust"),
        "--headless",
        "-f",
        str(ROOT / "tests/benchmarks/locustfile.py"),
        "-u",
        str(USERS),
        "-r",
        str(SPAWN_RATE),
        "-t",
        f"{seconds}s",
        "--stop-timeout",
        "15",
        "--host",
        host,
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        user_class,
    ]
    with open(log, "ab") as out:
        subprocess.run(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=seconds + 60, check=False)  # noqa: S603
    with open(f"{prefix}_stats.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _check_attempts(results: Path, learners: list[dict]) -> tuple[int, int, int, int]:
    """(confirmed, missing, extra, unconfirmed): the submissions the client saw
    graded, those without exactly one graded attempt in the database, graded
    attempts the client never saw graded, and submissions whose answer the
    run's end cut off (left out of both counts)."""
    from django.db.models import Count

    from courses.models import Attempt

    data = json.loads(results.read_text(encoding="utf-8"))
    confirmed = {(r["user"], r["attempt"]) for r in data["confirmed"]}
    unconfirmed = {r["attempt"] for r in data["unconfirmed"]}
    graded = Attempt.objects.filter(
        user__username__in=[learner["username"] for learner in learners],
        status=Attempt.Status.SUBMITTED,
        submitted_at__isnull=False,
        score__isnull=False,
    )
    in_db = {(a["user__username"], a["pk"]) for a in graded.values("user__username", "pk")}
    missing = len(confirmed - in_db)
    extra = len({key for key in in_db - confirmed if key[1] not in unconfirmed})
    # Two graded rows for one attempt number would be a duplicate too.
    extra += sum(
        row["n"] - 1
        for row in graded.values("user_id", "quiz_id", "number").annotate(n=Count("pk")).filter(n__gt=1)
    )
    return len(confirmed), missing, extra, len(unconfirmed)


def _row(rows: list[dict], name: str) -> dict | None:
    return next((r for r in rows if r["Name"] == name), None)


def _print_table(phases: list[tuple[str, list[dict]]]) -> None:
    head = f"{'run':<6} {'endpoint':<20} {'requests':>9} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>7}"
    print(head)
    print("-" * len(head))
    for phase, rows in phases:
        for r in rows:
            name = "all" if r["Name"] == "Aggregated" else r["Name"]
            print(
                f"{phase:<6} {name:<20} {r['Request Count']:>9} {float(r['Requests/s']):>8.1f} "
                f"{r['50%']:>7} {r['95%']:>7} {r['99%']:>7} {r['Failure Count']:>7}"
            )


def main() -> None:
    base = pg_url()
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
    if base is None or not _redis_answers(redis_url):
        print("bench_load: PostgreSQL or Redis does not answer; skipped", flush=True)
        return
    started = time.monotonic()
    seconds = int(os.environ.get("BENCH_LOAD_SECONDS", "30"))
    port = int(os.environ.get("BENCH_LOAD_PORT", "0")) or _free_port()
    host = f"http://127.0.0.1:{port}"
    tmp = Path(tempfile.mkdtemp(prefix="nangtam-bench-load-"))
    db_url = base.rsplit("/", 1)[0] + f"/{DB_NAME}"

    # The set-up writes thousands of rows: no flush to disk per commit while
    # it runs (the server gets the default back before it starts).
    create_pg_database(db_url)
    _psql(db_url, f'ALTER DATABASE "{DB_NAME}" SET synchronous_commit = off')
    env = _server_env(db_url=db_url, redis_url=redis_url, port=port, tmp=tmp)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()
    import redis
    from django.core.management import call_command
    from django.db import connections

    redis.Redis.from_url(redis_url).flushdb()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    with open(os.devnull, "w") as devnull:
        call_command("load_demo", stdout=devnull)
    learners = _create_learners(USERS)
    results = tmp / "submissions.json"
    plan = _plan(learners=learners, results=results)
    plan_path = tmp / "plan.json"
    plan_path.write_text(json.dumps(plan), encoding="utf-8")
    connections.close_all()
    _psql(db_url, f'ALTER DATABASE "{DB_NAME}" RESET synchronous_commit')
    print(f"set-up: {time.monotonic() - started:.0f} s", flush=True)

    run_env = {**os.environ, "BENCH_LOAD_PLAN": str(plan_path)}
    run_env.setdefault("BENCH_LOAD_WAIT", MIX_WAIT)
    log = tmp / "server.log"
    server = subprocess.Popen(  # noqa: S603
        [
            str(VENV_BIN / "gunicorn"),
            "lms.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--timeout",
            "30",
            "--graceful-timeout",
            "5",
            "--chdir",
            str(ROOT),
            "--error-logfile",
            str(log),
        ],
        env=run_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_until_up(host + plan["bare"], server)
        _warm(host, plan)
        load_before = os.getloadavg()
        # (table label, Locust user class, seconds): the mix, then the saturated phases.
        phases = [
            ("mix", "Learner", seconds),
            ("lesson", "Reader", LESSON_SECONDS),
            ("bare", "BareVisitor", BARE_SECONDS),
        ]
        mix, lessons, bare = (
            _locust(
                host=host,
                user_class=user_class,
                seconds=duration,
                prefix=tmp / label,
                env=run_env,
                log=tmp / "locust.log",
            )
            for label, user_class, duration in phases
        )
        load_after = os.getloadavg()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()

    confirmed, missing, extra, unconfirmed = _check_attempts(results, learners)
    _print_table([("mix", mix), ("lesson", lessons), ("bare", bare)])
    print(
        f"quiz submissions graded: {confirmed} (missing {missing}, extra {extra}, cut off by the end {unconfirmed})"
    )
    print(
        "load average (1, 5, 15 min) before: {:.2f} {:.2f} {:.2f}, after: {:.2f} {:.2f} {:.2f}".format(
            *load_before, *load_after
        )
    )
    print(f"logs: {tmp}; whole run {time.monotonic() - started:.0f} s", flush=True)

    lesson, submit = _row(mix, "lesson"), _row(mix, "quiz submit")
    lesson_only, bare_row = _row(lessons, "lesson"), _row(bare, "bare view")
    lesson_rps = float(lesson_only["Requests/s"]) if lesson_only else 0.0
    bare_rps = float(bare_row["Requests/s"]) if bare_row else 0.0
    errors = sum(
        int(r["Failure Count"]) for phase in (mix, lessons, bare) if (r := _row(phase, "Aggregated"))
    )
    report("lesson_rps", round(lesson_rps, 1), "req/s")
    report("lesson_p95_ms", float(lesson["95%"]) if lesson else 0.0, "ms")
    report("bare_rps", round(bare_rps, 1), "req/s")
    report("lesson_vs_bare", round(lesson_rps / bare_rps, 3) if bare_rps else 0.0, "ratio")
    report("quiz_submit_p95_ms", float(submit["95%"]) if submit else 0.0, "ms")
    report("load_errors", errors, "requests")
    report("lost_attempts", missing + extra, "attempts")


if __name__ == "__main__":
    main()
