"""Indexes the coverage report reads through, on the tables of the training
evidence (``courses`` and ``certificates``).

- by person: a report below the top of the tree looks up the proofs of each
  person in scope, within the plan's period (index-only on PostgreSQL);
- by day: a report at the top scans the period's proofs once.

They live here, with the queries that need them, rather than on the models
of the apps that own the tables. On SQLite the same columns make plain
composite (covering) indexes.
"""

from django.db import migrations

INDEXES = [
    # name, table, key columns, covered columns
    ("coverage_completion_by_person", "courses_completion", "person_id, completed_on", "course_id, session_id"),
    ("coverage_completion_by_day", "courses_completion", "completed_on", "person_id, course_id, session_id"),
    (
        "coverage_certificate_by_person",
        "certificates_certificate",
        "person_id, issued_on",
        "course_id, session_id, revoked_on",
    ),
    (
        "coverage_certificate_by_day",
        "certificates_certificate",
        "issued_on",
        "person_id, course_id, session_id, revoked_on",
    ),
]


def create(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for name, table, keys, covered in INDEXES:
        if postgres:
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({keys}) INCLUDE ({covered})")
        else:
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({keys}, {covered})")


def drop(apps, schema_editor):
    for name, _table, _keys, _covered in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("coverage", "0002_seed_plan"),
        # after the migrations that last reshaped these tables
        ("courses", "0003_learning_rules"),
        ("certificates", "0005_default_template"),
    ]

    operations = [migrations.RunPython(create, drop)]
