"""Store block visibility uncompressed on PostgreSQL.

The periods are dense numbers that compress poorly while compressing them during the ingest's
COPY costs about 0.7 s for a real 2,650-block schedule: EXTERNAL keeps them out of line but
skips compression (about three times the disk space for this column; see docs/benchmarks.md).
"""

from django.db import migrations

TABLE_COLUMN = "schedules_schedulingblock", "visibility_periods"


def set_storage(mode: str):
    def apply(apps, schema_editor) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        table, column = TABLE_COLUMN
        schema_editor.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" SET STORAGE {mode}')

    return apply


class Migration(migrations.Migration):
    dependencies = [("schedules", "0001_initial")]

    operations = [migrations.RunPython(set_storage("EXTERNAL"), set_storage("EXTENDED"))]
