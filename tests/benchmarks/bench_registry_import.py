"""Registry import: seconds to import a workbook of 10,000 people with their
affiliations (and the 111 units and 500 cooperatives they need) into a fresh
database, then to import it again (nothing changes).

Goal on the 2-core reference machine: at most 10 s for the first import.
Besides wall-clock time, the importing process's CPU time is reported: on a
busy machine the wall clock mostly measures the other processes.
SQLite always; PostgreSQL too when it answers. Each database runs in its own
process (Django is configured once per process).
"""

from __future__ import annotations

import io
import subprocess
import sys
import time

from tests.benchmarks import _setup
from tests.benchmarks._setup import report

PEOPLE = 10_000
PER_COOP = 20
ROLES = [
    "chair",
    "Giám đốc",
    "Kế toán",
    "Thành viên BKS",
    "Tổ trưởng",
    "member",
    "Thành viên",
    "Người lao động",
]


def build_workbook() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    units = workbook.create_sheet("org_units")
    units.append(["Mã", "Tên", "Cấp", "Mã cấp trên"])
    units.append(["AG", "Tỉnh An Giang", "tỉnh", None])
    communes = []
    for d in range(10):
        units.append([f"D{d}", f"Huyện {d}", "huyện", "AG"])
        for c in range(10):
            communes.append(f"D{d}-C{c}")
            units.append([communes[-1], f"Xã {d}-{c}", "xã", f"D{d}"])
    coops = workbook.create_sheet("cooperatives")
    coops.append(["code", "name", "kind", "org_unit_code", "women_led", "established"])
    for k in range(PEOPLE // PER_COOP):
        coops.append(
            [
                f"HTX{k:04d}",
                f"HTX Nông nghiệp {k}",
                "HTX" if k % 3 else "THT",
                communes[k % 100],
                "có",
                "15/03/2019",
            ]
        )
    people = workbook.create_sheet("people")
    people.append(["Mã", "Họ và tên", "Giới tính", "Năm sinh", "Điện thoại", "Mã địa bàn"])
    affiliations = workbook.create_sheet("affiliations")
    affiliations.append(
        ["person_code", "cooperative_code", "Chức vụ", "start_date", "end_date", "Việc làm ổn định"]
    )
    for i in range(PEOPLE):
        k = i // PER_COOP
        people.append(
            [
                f"P{i:05d}",
                f"Nguyễn Thị Huỳnh Như {i}",
                "Nữ" if i % 7 else "Nam",
                1960 + i % 40,
                f"09{i:08d}",
                communes[k % 100],
            ]
        )
        start = "2020-01-01" if i % 2 else "01/06/2021"
        affiliations.append(
            [f"P{i:05d}", f"HTX{k:04d}", ROLES[i % len(ROLES)], start, None, "x" if i % 3 else "không"]
        )
    cadres = workbook.create_sheet("cadres")
    cadres.append(["person_code", "org_unit_code", "Chức danh", "Hỗ trợ HTX", "start_date"])
    for c, commune in enumerate(communes):
        cadres.append([f"P{c * 97:05d}", commune, "Chủ tịch Hội LHPN xã", "x", "2022-01-01"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(database: str) -> None:
    """Import on a fresh ``database`` ("sqlite" or "postgres") and report."""
    _setup.setup_django(database=database, name="registry_import")
    from lms.registry.models import Affiliation, Person
    from lms.registry.services import registry_import

    data = build_workbook()
    suffix = "" if database == "sqlite" else "_pg"
    started, cpu = time.perf_counter(), time.process_time()
    result = registry_import(source=data, filename="registry.xlsx")
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    if not result.written or Person.objects.count() != PEOPLE or Affiliation.objects.count() != PEOPLE:
        raise SystemExit(f"registry import failed: {result.errors[:5]}")
    report(f"registry_import_10k{suffix}_s", elapsed, "s")
    # This process's CPU time: what the import costs when the machine is not
    # shared (with SQLite the database work is in it too; not PostgreSQL's).
    report(f"registry_import_10k{suffix}_cpu_s", cpu, "s")
    started = time.perf_counter()
    again = registry_import(source=data, filename="registry.xlsx")
    elapsed = time.perf_counter() - started
    if any(c.created or c.updated for c in again.counts.values()):
        raise SystemExit("a second import of the same file changed rows")
    report(f"registry_reimport_10k{suffix}_s", elapsed, "s")


def main() -> None:
    databases = ["sqlite"]
    if _setup.pg_url():
        databases.append("postgres")
    else:
        print("registry_import_10k_pg_s skipped: PostgreSQL does not answer", flush=True)
    status = 0
    for database in databases:
        code = f"from tests.benchmarks.bench_registry_import import run; run({database!r})"
        status |= subprocess.call([sys.executable, "-c", code], cwd=_setup.ROOT)  # noqa: S603
    if status:
        raise SystemExit(status)


if __name__ == "__main__":
    main()
