"""``backup`` and ``restore``: what was backed up comes back exactly (coverage
figures, rows, media files); a broken, foreign or mismatched archive is
refused with a Vietnamese message and changes nothing."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from certificates.models import Certificate
from courses.models import Completion
from lms.coverage.models import Plan
from lms.coverage.selectors import coverage_for_unit, report_as_dict
from lms.registry.models import Person

# pg_restore and the SQLite backup API replace the whole database: they need
# committed data and no open transaction, so these tests commit; the rows the
# migrations made (topics, the course index, the seeded plan) are put back
# after each one for the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SMALL = ["--scale", "0.0004", "--courses", "3", "--sessions", "12"]
AS_OF = datetime.date(2024, 12, 31)


@pytest.fixture
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def world(media_root):
    """A small national registry with training evidence, and three
    certificate PDFs in the media folder."""
    call_command("generate_scale_data", *SMALL, stdout=io.StringIO())
    for n, certificate in enumerate(Certificate.objects.order_by("pk")[:3]):
        certificate.pdf.save(f"{certificate.serial}.pdf", ContentFile(b"%PDF-1.7 " + bytes([n]) * 2000))
    return Plan.objects.select_related("root").get(code="toan-quoc-2024")


def figures(plan: Plan) -> dict:
    return report_as_dict(coverage_for_unit(plan=plan, unit=plan.root, as_of=AS_OF))


def media_files(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def backup(path: Path) -> str:
    out = io.StringIO()
    call_command("backup", "--output", str(path), stdout=out)
    return out.getvalue()


def damage(plan: Plan, media_root: Path) -> None:
    """What an operator's mistake might do: people, completions and a
    certificate PDF deleted, another PDF overwritten, a stray file added."""
    without_certificates = Person.objects.filter(certificates__isnull=True).order_by("pk")
    Person.objects.filter(pk__in=list(without_certificates.values_list("pk", flat=True)[:60])).delete()
    Completion.objects.filter(
        pk__in=list(Completion.objects.order_by("pk").values_list("pk", flat=True)[:300])
    ).delete()
    pdfs = sorted(media_root.rglob("*.pdf"))
    pdfs[0].unlink()
    pdfs[1].write_bytes(b"not the certificate")
    (media_root / "stray.txt").write_text("added after the backup")


def rewrite_manifest(source: Path, target: Path, change) -> None:
    """Copy an archive, changing its manifest with ``change(manifest)``."""
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for member in old:
            data = old.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                change(manifest)
                data = json.dumps(manifest).encode()
                member.size = len(data)
            new.addfile(member, io.BytesIO(data))


def test_restore_brings_back_coverage_figures_and_media_files(world, media_root, tmp_path):
    before = figures(world)
    files_before = media_files(media_root)
    people, completions = Person.objects.count(), Completion.objects.count()
    assert len(files_before) == 3 and before["indicators"][0]["numerator"] > 0

    archive = tmp_path / "saoluu.tar.gz"
    assert "3 tệp media" in backup(archive)
    manifest = json.loads(tarfile.open(archive).extractfile("manifest.json").read())
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["counts"]["registry.Person"] == people
    assert manifest["counts"]["courses.Completion"] == completions
    assert "0001_initial" in manifest["migrations"]["registry"]
    assert {m["path"]: m["sha256"] for m in manifest["media"]} == files_before

    damage(world, media_root)
    assert figures(world) != before
    assert media_files(media_root) != files_before

    out = io.StringIO()
    call_command("restore", str(archive), "--yes", stdout=out)
    assert "Đã khôi phục" in out.getvalue()
    assert figures(Plan.objects.select_related("root").get(code="toan-quoc-2024")) == before
    assert (Person.objects.count(), Completion.objects.count()) == (people, completions)
    assert media_files(media_root) == files_before


def test_declined_confirmation_changes_nothing(world, media_root, tmp_path, monkeypatch):
    archive = tmp_path / "saoluu.tar.gz"
    backup(archive)
    damage(world, media_root)
    after_damage, files_after_damage = figures(world), media_files(media_root)
    monkeypatch.setattr("builtins.input", lambda prompt: "không")
    with pytest.raises(CommandError, match="Đã hủy"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert figures(world) == after_damage
    assert media_files(media_root) == files_after_damage


def test_vendor_mismatch_is_refused_in_vietnamese(world, media_root, tmp_path):
    archive, other = tmp_path / "saoluu.tar.gz", tmp_path / "khac.tar.gz"
    backup(archive)
    theirs = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    rewrite_manifest(archive, other, lambda m: m["database"].update(vendor=theirs))
    Person.objects.filter(pk=Person.objects.order_by("pk").values_list("pk", flat=True).first()).delete()
    people = Person.objects.count()
    with pytest.raises(CommandError, match="không khôi phục được") as error:
        call_command("restore", str(other), "--yes", stdout=io.StringIO())
    assert {"SQLite", "PostgreSQL"} <= set(str(error.value).replace(",", " ").replace(":", " ").split())
    assert Person.objects.count() == people


def test_damaged_media_file_in_archive_is_refused(world, media_root, tmp_path):
    archive, tampered = tmp_path / "saoluu.tar.gz", tmp_path / "sua.tar.gz"
    backup(archive)
    with tarfile.open(archive, "r:gz") as old, tarfile.open(tampered, "w:gz") as new:
        for member in old:
            data = old.extractfile(member).read()
            if member.name.startswith("media/") and member.name.endswith(".pdf"):
                data = b"X" + data[1:]
            new.addfile(member, io.BytesIO(data))
    with pytest.raises(CommandError, match="bị hỏng: tệp .* không khớp mã kiểm tra SHA-256"):
        call_command("restore", str(tampered), "--yes", stdout=io.StringIO())


def test_truncated_and_foreign_archives_are_refused(media_root, tmp_path):
    archive = tmp_path / "saoluu.tar.gz"
    backup(archive)
    truncated = tmp_path / "cut.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(CommandError, match="không phải bản sao lưu Nâng Tầm hợp lệ: tệp nén bị hỏng"):
        call_command("restore", str(truncated), "--yes", stdout=io.StringIO())

    foreign = tmp_path / "tailieu.tar.gz"
    with tarfile.open(foreign, "w:gz") as tar:
        data = b"tai lieu"
        info = tarfile.TarInfo("tailieu.txt")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    with pytest.raises(CommandError, match="có mục lạ “tailieu.txt”"):
        call_command("restore", str(foreign), "--yes", stdout=io.StringIO())

    escaping = tmp_path / "thoat.tar.gz"
    with tarfile.open(escaping, "w:gz") as tar:
        info = tarfile.TarInfo("media/../../../etc/cron.d/x")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    with pytest.raises(CommandError, match="có mục lạ"):
        call_command("restore", str(escaping), "--yes", stdout=io.StringIO())


def test_broken_archive_exits_1_without_traceback(tmp_path):
    broken = tmp_path / "hong.tar.gz"
    broken.write_bytes(b"\x1f\x8b\x08\x00 day khong phai tep nen")
    env = {
        **os.environ,
        # Never reached: the archive is refused before the database is opened.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'khong-dung.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(broken), "--yes"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "không phải bản sao lưu Nâng Tầm hợp lệ" in result.stderr


@pytest.mark.postgres
def test_postgresql_archive_is_a_pg_dump_restored_into_the_configured_database(world, tmp_path):
    archive = tmp_path / "saoluu.tar.gz"
    backup(archive)
    with tarfile.open(archive) as tar:
        assert tar.extractfile("database.dump").read(5) == b"PGDMP"
    # pytest-django points the connection at the test database: restore goes there.
    assert connection.settings_dict["NAME"].startswith("test_")
    certificates = Certificate.objects.count()
    Certificate.objects.filter(pk__in=list(Certificate.objects.values_list("pk", flat=True)[:5])).delete()
    call_command("restore", str(archive), "--yes", stdout=io.StringIO())
    assert Certificate.objects.count() == certificates
    # Sequences come back too: a new row does not collide with a restored one.
    Person.objects.create(code="MOI-SAU-KHOI-PHUC", full_name="Người mới", gender="F")
