"""Shared set-up of the benchmarks run by `make bench`.

A benchmark is a module ``tests/benchmarks/bench_<name>.py`` with a
``main()``; it calls ``setup_django()`` first and reports each figure with
``report()``, which prints ``bench: NAME VALUE UNIT`` on its own line.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def pg_url() -> str | None:
    """The PostgreSQL URL for benchmarks, or None when it does not answer."""
    url = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/nangtam_bench")
    try:
        from urllib.parse import urlparse

        import psycopg

        u = urlparse(url)
        psycopg.connect(
            host=u.hostname, port=u.port or 5432, user=u.username, dbname="postgres", connect_timeout=3
        ).close()
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return None
    return url


def create_pg_database(url: str) -> None:
    """Drop and create the database named in ``url`` (a fresh bench database)."""
    from urllib.parse import urlparse

    import psycopg

    u = urlparse(url)
    name = u.path.lstrip("/")
    with psycopg.connect(
        host=u.hostname, port=u.port or 5432, user=u.username, dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(*, database: str = "sqlite", name: str = "bench") -> str:
    """Configure Django on a fresh database and migrate it.

    ``database`` is "sqlite" (a new file in a temp dir) or "postgres" (a new
    database ``nangtam_<name>``; raises RuntimeError when PostgreSQL does not
    answer). Returns the database URL used.
    """
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    if database == "postgres":
        base = pg_url()
        if base is None:
            raise RuntimeError("PostgreSQL does not answer")
        url = base.rsplit("/", 1)[0] + f"/nangtam_{name}"
        create_pg_database(url)
    else:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='nangtam-bench-')}/{name}.sqlite3"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings")
    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="nangtam-bench-media-"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return url


def report(name: str, value: float, unit: str) -> None:
    shown = f"{value:.3f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    print(f"bench: {name} {shown} {unit}", flush=True)
