"""Backup and restore: one archive holding the database and the media files.

An archive is a ``.tar.gz`` with

- ``database.dump`` (PostgreSQL, ``pg_dump`` custom format) or
  ``database.sqlite3`` (SQLite, a copy made with the online backup API, so it
  is consistent while the site runs);
- ``media/<path>`` for every file under ``MEDIA_ROOT``;
- ``manifest.json``: format and version, creation time, database vendor,
  applied migrations, row counts of the key tables, and the size and SHA-256
  of the database file and of every media file.

Restoring checks everything before it touches anything: the archive must be
readable, carry our manifest, match the database vendor, need no migration
this code does not have, and every file must match its checksum.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

FORMAT = "nang-tam-backup"
VERSION = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
VENDOR_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
# The tables whose row counts a manifest records, to compare after a restore.
KEY_MODELS = [
    "registry.OrgUnit",
    "registry.Cooperative",
    "registry.Person",
    "registry.Affiliation",
    "registry.CadrePosition",
    "registry.User",
    "wagtailcore.Page",
    "courses.Enrollment",
    "courses.LessonProgress",
    "courses.Attempt",
    "courses.TrainingSession",
    "courses.Attendance",
    "courses.Completion",
    "certificates.Certificate",
    "coverage.Plan",
    "coverage.Indicator",
    "coverage.Snapshot",
]
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; ``message`` is for the operator."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class BackupResult:
    path: Path
    manifest: dict


@dataclass
class PreparedRestore:
    """An archive unpacked into ``workdir`` and checked: ready to apply."""

    archive: Path
    workdir: Path
    manifest: dict
    database_file: Path
    media_files: list[dict] | None = field(default=None)


def _vendor_name(vendor: str) -> str:
    return VENDOR_NAMES.get(vendor, vendor)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _file_entry(path: Path, name: str) -> dict:
    return {"path": name, "size": path.stat().st_size, "sha256": _sha256(path)}


def _media_root() -> Path | None:
    """The local media folder, or None when media live elsewhere (S3)."""
    if isinstance(default_storage, FileSystemStorage):
        return Path(default_storage.location)
    return None


def _media_files(root: Path) -> Iterator[tuple[Path, str]]:
    if not root.is_dir():
        return
    for directory, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for filename in sorted(filenames):
            path = Path(directory, filename)
            if path.is_file() and not path.is_symlink():
                yield path, path.relative_to(root).as_posix()


def _state(cursor, quote) -> tuple[dict, dict]:
    """Applied migrations and key table counts, read through ``cursor``."""
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, id")
    migrations: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        migrations.setdefault(app, []).append(name)
    counts = {}
    for label in KEY_MODELS:
        table = apps.get_model(label)._meta.db_table
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - table names come from models
        counts[label] = cursor.fetchone()[0]
    return migrations, counts


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# PostgreSQL -------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            _(
                "Không tìm thấy chương trình %(tool)s: hãy cài gói postgresql-client cùng phiên bản với máy chủ."
            )
            % {"tool": name}
        )
    output = subprocess.run([path, "--version"], capture_output=True, text=True, check=False).stdout  # noqa: S603
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    server_major = connection.pg_version // 10000
    if match and int(match.group(1)) < server_major:
        raise BackupError(
            _(
                "%(tool)s phiên bản %(client)s cũ hơn máy chủ PostgreSQL %(server)s: "
                "hãy cài postgresql-client-%(server)s."
            )
            % {"tool": name, "client": match.group(1), "server": server_major}
        )
    return path


def _pg_connection_args() -> tuple[list[str], dict[str, str]]:
    """Connection options for the PostgreSQL tools, from the connection's own
    settings (in tests these name the test database)."""
    settings_dict = connection.settings_dict
    _args, extra_env = connection.client.settings_to_cmd_args_env(settings_dict, [])
    args = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    args += ["--dbname", str(settings_dict["NAME"])]
    return args, {**os.environ, **(extra_env or {})}


def _run_tool(command: list[str], env: dict[str, str], failure: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        detail = result.stderr.strip().splitlines()[-3:]
        raise BackupError(f"{failure}\n" + "\n".join(detail))


def _dump_postgresql(target: Path) -> tuple[dict, dict]:
    """``pg_dump`` of an exported snapshot, so the migrations and counts read
    here describe exactly the data in the dump."""
    pg_dump = _pg_tool("pg_dump")
    args, env = _pg_connection_args()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        _run_tool(
            [pg_dump, "--format=custom", f"--snapshot={snapshot}", "--file", str(target), *args],
            env,
            _("pg_dump không sao lưu được cơ sở dữ liệu:"),
        )
        return _state(cursor, connection.ops.quote_name)


def _restore_postgresql(source: Path) -> None:
    pg_restore = _pg_tool("pg_restore")
    args, env = _pg_connection_args()
    # pg_restore drops and recreates every table: no session of ours may hold a lock.
    connection.close()
    _run_tool(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            *args,
            str(source),
        ],
        env,
        _("pg_restore không khôi phục được cơ sở dữ liệu (dữ liệu hiện tại giữ nguyên):"),
    )


# SQLite -----------------------------------------------------------------------


def _dump_sqlite(target: Path) -> tuple[dict, dict]:
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        return _state(copy.cursor(), _sqlite_quote)
    finally:
        copy.close()


def _restore_sqlite(source: Path) -> None:
    connection.ensure_connection()
    copy = sqlite3.connect(source)
    try:
        copy.backup(connection.connection)
    except sqlite3.Error as error:
        raise BackupError(
            _("Không khôi phục được cơ sở dữ liệu SQLite: %(error)s") % {"error": error}
        ) from None
    finally:
        copy.close()


# Backup -----------------------------------------------------------------------


def _check_vendor() -> str:
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(
            _("Chỉ sao lưu và khôi phục được PostgreSQL hoặc SQLite, không phải %(vendor)s.")
            % {"vendor": connection.vendor}
        )
    if connection.in_atomic_block:
        raise BackupError(_("Không sao lưu hay khôi phục được bên trong một giao dịch đang mở."))
    return connection.vendor


def backup_create(*, output: Path, include_media: bool = True) -> BackupResult:
    """Write one archive of the database and the media files to ``output``.

    The archive appears under its name only once complete (written beside it,
    then renamed). Requires no open transaction on the default connection.
    """
    vendor = _check_vendor()
    output = Path(output)
    if output.is_dir():
        raise BackupError(
            _("%(path)s là một thư mục: hãy ghi tên tệp, ví dụ saoluu.tar.gz.") % {"path": output}
        )
    if not output.parent.is_dir():
        raise BackupError(_("Không có thư mục %(path)s.") % {"path": output.parent})
    media_root = _media_root() if include_media else None
    with tempfile.TemporaryDirectory(prefix="nang-tam-backup-") as workdir:
        database_file = Path(workdir, DATABASE_FILES[vendor])
        if vendor == "postgresql":
            migrations, counts = _dump_postgresql(database_file)
        else:
            migrations, counts = _dump_sqlite(database_file)
        partial = output.with_name(f".{output.name}.partial")
        media: list[dict] | None = None
        try:
            with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
                archive.add(database_file, arcname=database_file.name)
                if media_root is not None:
                    media = []
                    for path, name in _media_files(media_root):
                        entry = _file_entry(path, name)
                        archive.add(path, arcname=MEDIA_PREFIX + name, recursive=False)
                        media.append(entry)
                manifest = {
                    "format": FORMAT,
                    "version": VERSION,
                    "created_at": datetime.datetime.now(tz=datetime.UTC).isoformat(timespec="seconds"),
                    "database": {
                        "vendor": vendor,
                        "file": database_file.name,
                        "size": database_file.stat().st_size,
                        "sha256": _sha256(database_file),
                    },
                    "migrations": migrations,
                    "counts": counts,
                    "media": media,
                }
                manifest_path = Path(workdir, MANIFEST)
                manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
                archive.add(manifest_path, arcname=MANIFEST)
            os.replace(partial, output)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise BackupError(
                _("Không ghi được tệp %(path)s: %(error)s") % {"path": output, "error": error.strerror}
            ) from None
    return BackupResult(path=output, manifest=manifest)


# Restore ----------------------------------------------------------------------


def _safe_media_name(name: str) -> str | None:
    """The media path a member name stands for, or None if it could escape."""
    if not name.startswith(MEDIA_PREFIX):
        return None
    relative = PurePosixPath(name[len(MEDIA_PREFIX) :])
    if relative.is_absolute() or not relative.parts or ".." in relative.parts or "\\" in name:
        return None
    return relative.as_posix()


def _not_ours(archive: Path, reason: str) -> BackupError:
    return BackupError(
        _("%(path)s không phải bản sao lưu Nâng Tầm hợp lệ: %(reason)s") % {"path": archive, "reason": reason}
    )


def _unpack(archive: Path, workdir: Path) -> None:
    """Copy the archive's regular files into ``workdir``; refuse any member
    that is not ours or could escape the folder."""
    try:
        with tarfile.open(archive, "r:*") as tar:
            for member in tar:
                if member.isdir():
                    continue
                name = member.name
                allowed = name == MANIFEST or name in DATABASE_FILES.values() or _safe_media_name(name)
                if not member.isfile() or not allowed:
                    raise _not_ours(archive, _("có mục lạ “%(name)s”.") % {"name": name[:200]})
                target = workdir / name
                target.parent.mkdir(parents=True, exist_ok=True)
                source = tar.extractfile(member)
                with target.open("wb") as stream:
                    shutil.copyfileobj(source, stream, CHUNK)
    except (tarfile.TarError, EOFError, zlib.error):
        raise _not_ours(archive, _("tệp nén bị hỏng hoặc không đọc được.")) from None
    except OSError as error:
        raise BackupError(
            _("Không đọc được %(path)s: %(error)s") % {"path": archive, "error": error.strerror or error}
        ) from None


def _read_manifest(archive: Path, workdir: Path) -> dict:
    path = workdir / MANIFEST
    if not path.is_file():
        raise _not_ours(archive, _("thiếu tệp manifest.json."))
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise _not_ours(archive, _("manifest.json không đọc được.")) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _not_ours(archive, _("manifest.json không phải của Nâng Tầm."))
    if not isinstance(manifest.get("version"), int) or manifest["version"] > VERSION:
        raise BackupError(
            _("Bản sao lưu có định dạng phiên bản %(version)s, mới hơn phiên bản mà hệ thống này đọc được.")
            % {"version": manifest.get("version")}
        )
    database = manifest.get("database")
    if not isinstance(database, dict) or database.get("file") not in DATABASE_FILES.values():
        raise _not_ours(archive, _("manifest.json không ghi tệp cơ sở dữ liệu."))
    media = manifest.get("media")
    if media is not None and (
        not isinstance(media, list)
        or not all(isinstance(m, dict) and _safe_media_name(MEDIA_PREFIX + str(m.get("path"))) for m in media)
    ):
        raise _not_ours(archive, _("danh sách tệp media trong manifest.json không hợp lệ."))
    return manifest


def _check_file(archive: Path, path: Path, entry: dict) -> None:
    if not path.is_file():
        raise BackupError(
            _("Bản sao lưu %(path)s bị hỏng: thiếu tệp %(name)s.")
            % {"path": archive, "name": entry.get("path")}
        )
    if path.stat().st_size != entry.get("size") or _sha256(path) != entry.get("sha256"):
        raise BackupError(
            _("Bản sao lưu %(path)s bị hỏng: tệp %(name)s không khớp mã kiểm tra SHA-256.")
            % {"path": archive, "name": entry.get("path")}
        )


def _check_migrations(manifest: dict) -> None:
    """Refuse an archive made by a newer release: its tables would not match this code."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    migrations = manifest.get("migrations")
    if not isinstance(migrations, dict):
        raise BackupError(_("manifest.json không ghi trạng thái migration."))
    unknown = sorted(
        f"{app}.{name}" for app, names in migrations.items() for name in names if (app, name) not in known
    )
    if unknown:
        raise BackupError(
            _(
                "Bản sao lưu được tạo bởi phiên bản mới hơn của hệ thống (có migration %(names)s "
                "mà mã nguồn này không có): hãy cài đúng phiên bản rồi khôi phục lại."
            )
            % {"names": ", ".join(unknown[:5])}
        )


def restore_prepare(*, archive: Path, workdir: Path) -> PreparedRestore:
    """Unpack ``archive`` into ``workdir`` and check it against this system.

    Changes nothing outside ``workdir``; raises ``BackupError`` for an
    unreadable or foreign archive, a checksum mismatch, another database
    vendor, or migrations this code does not know.
    """
    vendor = _check_vendor()
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(_("Không có tệp %(path)s.") % {"path": archive})
    _unpack(archive, workdir)
    manifest = _read_manifest(archive, workdir)
    database = manifest["database"]
    if database.get("vendor") != vendor or database["file"] != DATABASE_FILES[vendor]:
        raise BackupError(
            _(
                "Bản sao lưu này là của cơ sở dữ liệu %(theirs)s, còn hệ thống đang dùng %(ours)s: "
                "không khôi phục được. Hãy khôi phục vào một hệ thống dùng %(theirs)s."
            )
            % {"theirs": _vendor_name(str(database.get("vendor"))), "ours": _vendor_name(vendor)}
        )
    database_file = workdir / database["file"]
    _check_file(archive, database_file, {**database, "path": database["file"]})
    media = manifest.get("media")
    for entry in media or []:
        _check_file(archive, workdir / (MEDIA_PREFIX + entry["path"]), entry)
    _check_migrations(manifest)
    return PreparedRestore(
        archive=archive, workdir=workdir, manifest=manifest, database_file=database_file, media_files=media
    )


def _restore_media(prepared: PreparedRestore) -> None:
    """Make the media folder hold exactly the archive's files."""
    root = _media_root()
    if root is None:
        raise BackupError(
            _("Tệp media đang lưu ngoài máy (S3): khôi phục chúng bằng công cụ của kho lưu trữ đó.")
        )
    wanted = {entry["path"] for entry in prepared.media_files}
    for path, name in list(_media_files(root)):
        if name not in wanted:
            path.unlink()
    for name in sorted(wanted):
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.restoring")
        shutil.copyfile(prepared.workdir / (MEDIA_PREFIX + name), partial)
        os.replace(partial, target)


def restore_apply(*, prepared: PreparedRestore) -> dict:
    """Replace the database and the media files with the archive's.

    PostgreSQL: ``pg_restore --clean --if-exists`` in one transaction into the
    connection's database (all or nothing). SQLite: the backup API copies the
    archived database over the live one. Media: files the archive does not
    hold are removed, the others written. Clears the cache, which may hold
    pages built from the old data. Returns the row counts read afterwards.
    """
    vendor = _check_vendor()
    if vendor == "postgresql":
        _restore_postgresql(prepared.database_file)
    else:
        _restore_sqlite(prepared.database_file)
    if prepared.media_files is not None:
        try:
            _restore_media(prepared)
        except OSError as error:
            raise BackupError(
                _("Đã khôi phục cơ sở dữ liệu nhưng không ghi được tệp media: %(error)s")
                % {"error": error.strerror or error}
            ) from None
    for alias in settings.CACHES:
        caches[alias].clear()
    with connection.cursor() as cursor:
        return _state(cursor, connection.ops.quote_name)[1]
