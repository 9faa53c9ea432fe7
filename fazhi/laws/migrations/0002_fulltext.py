"""Full-text structures of the search backend of the database in use (FTS5 or tsvector+GIN)."""

from django.db import migrations


def _sql(schema_editor, attr):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        from fazhi.laws.search import sqlite as dialect
    elif vendor == "postgresql":
        from fazhi.laws.search import postgres as dialect
    else:
        return []
    return getattr(dialect, attr)


def forwards(apps, schema_editor):
    for statement in _sql(schema_editor, "CREATE_SQL"):
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    for statement in _sql(schema_editor, "DROP_SQL"):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("laws", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
