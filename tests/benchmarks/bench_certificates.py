"""Certificates: milliseconds per PDF, memory of the rendering process, and
the time to issue 1,000 certificates inline and with two Celery workers.

Goals on the 2-core reference machine: at most 60 ms per certificate after
the first render, peak RSS under 150 MB and flat over 300 renders, 1,000
certificates in at most 45 s with two workers.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from tests.benchmarks import _setup
from tests.benchmarks._setup import report

RENDERS = 300
MEDIAN_OF = 50
BULK = 1000


def rss_mb(pid: str = "self", field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def people_with_completions(n: int, session) -> None:
    from courses.models import Completion
    from lms.registry.models import Person

    tag = uuid.uuid4().hex[:6]
    people = Person.objects.bulk_create(
        Person(
            code=f"B{tag}-{i:05d}",
            full_name=f"Nguyễn Thị Huỳnh Như {i}",
            gender="F",
            birth_year=1980 + i % 20,
        )
        for i in range(n)
    )
    Completion.objects.bulk_create(
        Completion(
            person=p, session=session, completed_on=session.end_date, source=Completion.Source.IN_PERSON
        )
        for p in people
    )


def new_session(title: str):
    import datetime

    from courses.models import TrainingSession

    return TrainingSession.objects.create(
        code=f"BENCH-{uuid.uuid4().hex[:8]}",
        title=title,
        start_date=datetime.date(2024, 5, 6),
        end_date=datetime.date(2024, 5, 8),
        issues_certificate=True,
    )


def bench_render() -> None:
    from certificates import services
    from certificates.models import BulkIssue, Certificate
    from certificates.rendering import render_certificate_pdf, renderer

    session = new_session("Quản trị hợp tác xã theo Luật Hợp tác xã 2023")
    people_with_completions(60, session)
    enqueue, services._enqueue_renders = services._enqueue_renders, lambda ids: None
    try:
        services.bulk_issue_run(job_id=BulkIssue.objects.create(session=session).pk)
    finally:
        services._enqueue_renders = enqueue
    certificates = list(Certificate.objects.filter(session=session).select_related("person", "template"))

    start = time.perf_counter()
    render_certificate_pdf(certificates[0])
    report("certificate_first_render_ms", (time.perf_counter() - start) * 1000, "ms")
    # The rendering process (WeasyPrint, no Django) is a child of this one.
    child = str(renderer.pid)

    import psutil

    rendering_process = psutil.Process(int(child))

    def cpu_now() -> float:
        times = rendering_process.cpu_times()
        return time.process_time() + times.user + times.system

    timings, cpu, rss_at = [], [], {}
    for n in range(1, RENDERS + 1):
        certificate = certificates[n % len(certificates)]
        start, start_cpu = time.perf_counter(), cpu_now()
        render_certificate_pdf(certificate)
        timings.append((time.perf_counter() - start) * 1000)
        cpu.append((cpu_now() - start_cpu) * 1000)
        if n in (1, 100, RENDERS):
            rss_at[n] = rss_mb(child)
    report("certificate_render_ms", statistics.median(timings[:MEDIAN_OF]), "ms")
    print(
        f"certificate renders: median of all {RENDERS} {statistics.median(timings):.1f} ms; "
        f"CPU time (both processes) median {statistics.median(cpu[:MEDIAN_OF]):.1f} ms (wall time grows when other processes "
        f"share the cores; load average {os.getloadavg()[0]:.1f})",
        flush=True,
    )
    report("certificate_peak_rss_mb", rss_mb(child, "VmHWM"), "MB")
    print(
        f"rendering process rss after 1 render {rss_at[1]:.1f} MB, after 100 {rss_at[100]:.1f} MB, "
        f"after {RENDERS} {rss_at[RENDERS]:.1f} MB; the calling process (Django, Wagtail, the project, "
        f"the benchmark's data) peaked at {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MB",
        flush=True,
    )


def wait_until(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def bench_eager() -> None:
    from django.db import transaction

    from certificates.models import BulkIssue, Certificate
    from certificates.services import bulk_issue_run

    session = new_session("Ứng dụng thương mại điện tử cho HTX")
    people_with_completions(BULK, session)
    start = time.perf_counter()
    with transaction.atomic():
        job = BulkIssue.objects.create(session=session)
    bulk_issue_run(job_id=job.pk)
    elapsed = time.perf_counter() - start
    issued = Certificate.objects.filter(session=session, status=Certificate.Status.ISSUED).count()
    assert issued == BULK, f"{issued} of {BULK} issued"
    report("certificates_1000_eager_s", elapsed, "s")


def redis_answers(url: str) -> bool:
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return False
    return True


def bench_workers(database_url: str, broker: str) -> None:
    from django.conf import settings

    from certificates.models import BulkIssue, Certificate
    from certificates.services import bulk_issue_start
    from lms.celery import app

    queue = f"nt-bench-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "LOG_LEVEL": "WARNING",
    }
    logs = Path(tempfile.mkdtemp(prefix="nangtam-bench-workers-"))
    workers = []
    for n in (1, 2):
        with (logs / f"worker{n}.log").open("wb") as log:
            workers.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "celery",
                        "-A",
                        "lms",
                        "worker",
                        "--pool=solo",
                        "--hostname",
                        f"{queue}-{n}@%h",
                        "--without-gossip",
                        "--without-mingle",
                        "--loglevel",
                        "WARNING",
                    ],
                    cwd=_setup.ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )  # fmt: skip
            )
    app.conf.update(broker_url=broker, task_always_eager=False, task_default_queue=queue)
    app._pool = None
    app.__dict__.pop("amqp", None)
    try:
        if not wait_until(lambda: len(app.control.ping(timeout=0.5)) >= 2, 120):
            print(
                f"certificates_1000_workers_s skipped: the workers did not start (logs in {logs})", flush=True
            )
            return
        session = new_session("Chuyển giao khoa học kỹ thuật cho HTX")
        people_with_completions(BULK, session)
        done = Certificate.objects.filter(session=session, status=Certificate.Status.ISSUED)
        start = time.perf_counter()
        bulk_issue_start(session=session)
        finished = wait_until(lambda: done.count() >= BULK, 600)
        elapsed = time.perf_counter() - start
        if not finished:
            print(
                f"certificates_1000_workers_s: only {done.count()} issued after {elapsed:.0f} s", flush=True
            )
            return
        report("certificates_1000_workers_s", elapsed, "s")
        job = BulkIssue.objects.get(session=session)
        print(
            f"bulk job: issuing loop {(job.finished_at - job.started_at).total_seconds():.1f} s "
            "(one worker), PDFs rendered by both workers meanwhile and after",
            flush=True,
        )
        import psutil

        peaks = [rss_mb(str(w.pid), "VmHWM") for w in workers]
        renderers = [rss_mb(str(c.pid), "VmHWM") for w in workers for c in psutil.Process(w.pid).children()]
        print(
            "peak RSS: workers " + ", ".join(f"{p:.1f} MB" for p in peaks)
            + "; their rendering processes " + ", ".join(f"{p:.1f} MB" for p in renderers),
            flush=True,
        )  # fmt: skip
    finally:
        for w in workers:
            w.terminate()
        for w in workers:
            try:
                w.wait(timeout=20)
            except subprocess.TimeoutExpired:
                w.kill()


def main() -> None:
    pg = _setup.pg_url()
    database_url = _setup.setup_django(database="postgres" if pg else "sqlite", name="certificates")
    print(f"certificates bench on {'PostgreSQL' if pg else 'SQLite'}", flush=True)
    bench_render()
    bench_eager()
    broker = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    if not pg:
        print("certificates_1000_workers_s skipped: PostgreSQL does not answer", flush=True)
    elif not redis_answers(broker):
        print(f"certificates_1000_workers_s skipped: Redis does not answer at {broker}", flush=True)
    else:
        bench_workers(database_url, broker)


if __name__ == "__main__":
    main()
