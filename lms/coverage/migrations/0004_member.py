"""The member table (``lms.coverage.members``): created, filled from the
registry, and kept in step by triggers from then on."""

from django.db import migrations, models

from lms.coverage import members

COVERING = (
    "path, role, kind, women_led, stable_job, supports_cooperatives, gender, start_date, end_date"
)


def install(apps, schema_editor):
    # Two covering indexes: by person (a report at the top of the tree reads
    # person ranges, both sources at once) and by path (a report lower down
    # reads one subtree).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX coverage_member_by_person ON coverage_member (person_id) INCLUDE (source, {COVERING})"
        )
        schema_editor.execute(
            "CREATE INDEX coverage_member_by_path ON coverage_member (source, path varchar_pattern_ops)"
            f" INCLUDE (person_id, {COVERING.removeprefix('path, ')})"
        )
    else:
        schema_editor.execute(
            f"CREATE INDEX coverage_member_by_person ON coverage_member (person_id, source, {COVERING})"
        )
        schema_editor.execute(
            f"CREATE INDEX coverage_member_by_path ON coverage_member (source, {COVERING}, person_id)"
        )
    members.install_triggers(schema_editor.connection)
    members.rebuild(schema_editor.connection)


def uninstall(apps, schema_editor):
    members.drop_triggers(schema_editor.connection)
    schema_editor.execute("DROP INDEX IF EXISTS coverage_member_by_person")
    schema_editor.execute("DROP INDEX IF EXISTS coverage_member_by_path")


class Migration(migrations.Migration):

    dependencies = [
        ('coverage', '0003_report_indexes'),
        ('registry', '0002_registry_import_keys'),
    ]

    operations = [
        migrations.CreateModel(
            name='Member',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source', models.CharField(choices=[('affiliations', 'Vị trí trong HTX/THT'), ('cadres', 'Cán bộ Hội')], max_length=20)),
                ('row_id', models.BigIntegerField()),
                ('person_id', models.BigIntegerField()),
                ('unit_id', models.BigIntegerField(null=True)),
                ('cooperative_id', models.BigIntegerField(null=True)),
                ('path', models.CharField(max_length=255)),
                ('role', models.CharField(max_length=20)),
                ('kind', models.CharField(max_length=3)),
                ('women_led', models.BooleanField()),
                ('stable_job', models.BooleanField()),
                ('supports_cooperatives', models.BooleanField()),
                ('gender', models.CharField(max_length=1)),
                ('start_date', models.DateField(null=True)),
                ('end_date', models.DateField(null=True)),
            ],
            options={
                'indexes': [models.Index(fields=['cooperative_id'], name='coverage_member_cooperative'), models.Index(fields=['unit_id'], name='coverage_member_unit')],
                'constraints': [models.UniqueConstraint(fields=('source', 'row_id'), name='coverage_member_one_per_row')],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
