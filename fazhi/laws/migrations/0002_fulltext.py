"""Full-text structures of the search backend of the database in use (FTS5 or tsvector+GIN).

The statements are written out here, not imported from the backends, so that this step
stays what it was when later migrations change the structures (0003 does, on PostgreSQL).
"""

from django.db import migrations

SQLITE_TABLES = ("laws_doc_fts", "laws_title_fts", "laws_chunk_fts")
SQL = {
    "sqlite": (
        [
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {name} USING fts5(tokens, content='', detail='none')"
            for name in SQLITE_TABLES
        ],
        [f"DROP TABLE IF EXISTS {name}" for name in SQLITE_TABLES],
    ),
    "postgresql": (
        [
            "ALTER TABLE laws_searchdoc ADD COLUMN IF NOT EXISTS tsv tsvector",
            "ALTER TABLE laws_searchdoc ADD COLUMN IF NOT EXISTS title_tsv tsvector",
            "ALTER TABLE laws_searchchunk ADD COLUMN IF NOT EXISTS tsv tsvector",
            "CREATE INDEX IF NOT EXISTS laws_searchdoc_tsv ON laws_searchdoc USING gin (tsv)",
            "CREATE INDEX IF NOT EXISTS laws_searchdoc_title_tsv ON laws_searchdoc "
            "USING gin (title_tsv)",
            "CREATE INDEX IF NOT EXISTS laws_searchchunk_tsv ON laws_searchchunk USING gin (tsv)",
        ],
        [
            "DROP INDEX IF EXISTS laws_searchdoc_tsv",
            "DROP INDEX IF EXISTS laws_searchdoc_title_tsv",
            "DROP INDEX IF EXISTS laws_searchchunk_tsv",
            "ALTER TABLE laws_searchdoc DROP COLUMN IF EXISTS tsv",
            "ALTER TABLE laws_searchdoc DROP COLUMN IF EXISTS title_tsv",
            "ALTER TABLE laws_searchchunk DROP COLUMN IF EXISTS tsv",
        ],
    ),
}


def forwards(apps, schema_editor):
    for statement in SQL.get(schema_editor.connection.vendor, ([], []))[0]:
        schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor):
    for statement in SQL.get(schema_editor.connection.vendor, ([], []))[1]:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("laws", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
