"""The member table: the registry flattened for the coverage computation.

A report at the top of the tree reads about a million roles. Joining each
affiliation to its cooperative, the cooperative to its unit and the role to
its person costs more than the counting itself, so ``coverage_member`` holds
one row per affiliation and per Union cadre position with everything the
population rules read: the person, the unit and its path, the cooperative's
kind and leadership, the role, the person's gender, the dates.

Database triggers keep it in step with the registry, whatever writes it:
``save()``, ``bulk_create``, ``QuerySet.update``, an import, a restore, raw
SQL. On PostgreSQL they are statement triggers reading the statement's
transition tables (one ``INSERT ... SELECT`` per bulk insert); on SQLite they
are row triggers. ``rebuild()`` fills the table from scratch (the migration
that creates it, and the scale generator, which loads with triggers off).
"""

# Statements here are assembled from fixed table and column names only.
# ruff: noqa: S608

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db import connection as default_connection

TABLE = "coverage_member"
AFFILIATIONS, CADRES = "affiliations", "cadres"  # = Indicator.Source

COLUMNS = (
    "source, row_id, person_id, unit_id, cooperative_id, path, role, kind, women_led, stable_job, "
    "supports_cooperatives, gender, start_date, end_date"
)


def _select(source: str, n: str, from_rows: str) -> str:
    """Member rows of the affiliations or cadre positions ``from_rows`` (its
    columns read as ``{n}.col``), in the order of ``COLUMNS``."""
    if source == AFFILIATIONS:
        unit, cooperative = "c.org_unit_id", f"{n}.cooperative_id"
        attributes = f"{n}.role, COALESCE(c.kind, ''), COALESCE(c.women_led, FALSE), {n}.stable_job, FALSE"
        join = f" LEFT JOIN registry_cooperative c ON c.id = {n}.cooperative_id"
    else:
        unit, cooperative = f"{n}.org_unit_id", "NULL"
        attributes = f"'', '', FALSE, FALSE, {n}.supports_cooperatives"
        join = ""
    return (
        f"SELECT '{source}', {n}.id, {n}.person_id, {unit}, {cooperative}, COALESCE(o.path, ''), {attributes},"
        f" COALESCE(p.gender, ''), {n}.start_date, {n}.end_date"
        f" FROM {from_rows}{join}"
        f" LEFT JOIN registry_orgunit o ON o.id = {unit}"
        f" LEFT JOIN registry_person p ON p.id = {n}.person_id"
    )


SOURCES = (
    # trigger name, registry table, member source
    ("affiliation", "registry_affiliation", AFFILIATIONS),
    ("cadreposition", "registry_cadreposition", CADRES),
)


def _refreshes(n: str) -> list[tuple[str, str, str]]:
    """(name, table, SET ... WHERE ...) of the member columns copied from the
    registry's other tables, for a changed row ``{n}`` of that table."""
    return [
        (
            "cooperative",
            "registry_cooperative",
            f"UPDATE {TABLE} SET unit_id = {n}.org_unit_id, kind = {n}.kind, women_led = {n}.women_led,"
            f" path = COALESCE((SELECT path FROM registry_orgunit WHERE id = {n}.org_unit_id), '')"
            f" {{from_rows}} WHERE {TABLE}.source = '{AFFILIATIONS}' AND {TABLE}.cooperative_id = {n}.id"
            f" AND (COALESCE({TABLE}.unit_id, 0) <> {n}.org_unit_id OR {TABLE}.kind <> {n}.kind"
            f" OR {TABLE}.women_led <> {n}.women_led)",
        ),
        (
            "person",
            "registry_person",
            f"UPDATE {TABLE} SET gender = {n}.gender {{from_rows}}"
            f" WHERE {TABLE}.person_id = {n}.id AND {TABLE}.gender <> {n}.gender",
        ),
        (
            "orgunit",
            "registry_orgunit",
            f"UPDATE {TABLE} SET path = {n}.path {{from_rows}}"
            f" WHERE {TABLE}.unit_id = {n}.id AND {TABLE}.path <> {n}.path",
        ),
    ]


# --- PostgreSQL: statement triggers over transition tables ------------------------------


def _pg_function(name: str, body: str) -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"BEGIN\n{body};\nRETURN NULL;\nEND\n$$"
    )


def _pg_trigger(name: str, table: str, event: str, function: str) -> str:
    tables = {
        "INSERT": "NEW TABLE AS new_rows",
        "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "DELETE": "OLD TABLE AS old_rows",
    }[event]
    return (
        f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {tables}"
        f" FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
    )


def _pg_install() -> list[str]:
    statements = []
    for name, table, source in SOURCES:
        insert = f"INSERT INTO {TABLE} ({COLUMNS}) {_select(source, 'n', 'new_rows n')}"
        delete = f"DELETE FROM {TABLE} WHERE source = '{source}' AND row_id IN (SELECT id FROM old_rows)"
        for event, body in (("INSERT", insert), ("UPDATE", f"{delete};\n{insert}"), ("DELETE", delete)):
            function = f"{TABLE}_{name}_{event.lower()}"
            statements += [_pg_function(function, body), _pg_trigger(function, table, event, function)]
    for name, table, update in _refreshes("n"):
        function = f"{TABLE}_{name}_refresh"
        statements.append(_pg_function(function, update.format(from_rows="FROM new_rows n")))
        for event in ("INSERT", "UPDATE"):
            statements.append(_pg_trigger(f"{function}_{event.lower()}", table, event, function))
    return statements


def _pg_drop() -> list[str]:
    statements = []
    for name, table, _source in SOURCES:
        for event in ("insert", "update", "delete"):
            statements.append(f"DROP TRIGGER IF EXISTS {TABLE}_{name}_{event} ON {table}")
            statements.append(f"DROP FUNCTION IF EXISTS {TABLE}_{name}_{event}()")
    for name, table, _update in _refreshes("n"):
        for event in ("insert", "update"):
            statements.append(f"DROP TRIGGER IF EXISTS {TABLE}_{name}_refresh_{event} ON {table}")
        statements.append(f"DROP FUNCTION IF EXISTS {TABLE}_{name}_refresh()")
    return statements


# --- SQLite: row triggers ---------------------------------------------------------------


def _sqlite_install() -> list[str]:
    statements = []
    for name, table, source in SOURCES:
        insert = f"INSERT INTO {TABLE} ({COLUMNS}) {_select(source, 'NEW', '(SELECT 1)')}"
        delete = f"DELETE FROM {TABLE} WHERE source = '{source}' AND row_id = OLD.id"
        for event, body in (("INSERT", insert), ("UPDATE", f"{delete};\n{insert}"), ("DELETE", delete)):
            statements.append(
                f"CREATE TRIGGER {TABLE}_{name}_{event.lower()} AFTER {event} ON {table}"
                f" FOR EACH ROW BEGIN\n{body};\nEND"
            )
    for name, table, update in _refreshes("NEW"):
        for event in ("INSERT", "UPDATE"):
            statements.append(
                f"CREATE TRIGGER {TABLE}_{name}_refresh_{event.lower()} AFTER {event} ON {table}"
                f" FOR EACH ROW BEGIN\n{update.format(from_rows='')};\nEND"
            )
    return statements


def _sqlite_drop() -> list[str]:
    statements = []
    for name, _table, _source in SOURCES:
        statements += [
            f"DROP TRIGGER IF EXISTS {TABLE}_{name}_{event}" for event in ("insert", "update", "delete")
        ]
    for name, _table, _update in _refreshes("NEW"):
        statements += [
            f"DROP TRIGGER IF EXISTS {TABLE}_{name}_refresh_{event}" for event in ("insert", "update")
        ]
    return statements


# --- entry points -----------------------------------------------------------------------


def _vendor(connection) -> str:
    if connection.vendor not in ("postgresql", "sqlite"):
        raise ImproperlyConfigured(
            f"Nâng Tầm runs on PostgreSQL or SQLite; coverage_member has no triggers for {connection.vendor}."
        )
    return connection.vendor


def install_triggers(connection=default_connection) -> None:
    statements = _pg_install() if _vendor(connection) == "postgresql" else _sqlite_install()
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def drop_triggers(connection=default_connection) -> None:
    statements = _pg_drop() if _vendor(connection) == "postgresql" else _sqlite_drop()
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def rebuild(connection=default_connection) -> int:
    """Refill the member table from the registry; returns the rows written."""
    _vendor(connection)
    written = 0
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
        for _name, table, source in SOURCES:
            cursor.execute(f"INSERT INTO {TABLE} ({COLUMNS}) {_select(source, 'n', f'{table} n')}")
            written += cursor.rowcount
    return written
