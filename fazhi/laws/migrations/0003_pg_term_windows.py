"""PostgreSQL: the lexemes move out of laws_searchdoc / laws_searchchunk into two slim
tables partitioned by windows of the rank order (laws_docterm, laws_chunkterm), so that a
search reads the GIN index of the first windows only instead of every match of a common
term. SQLite is unchanged (FTS5 already returns matches in rank order).

Windows are 4,096 rank keys wide (chunk ids: rank key × 100,000 + sequence). The statements
are written out here so that this step stays what it is when the backend changes.
"""

from django.db import migrations

WINDOW = 4096
CHUNK_FACTOR = 100_000

CREATE = [
    "CREATE TABLE laws_docterm (rank_key bigint NOT NULL, document_id bigint NOT NULL, "
    "title varchar(255) NOT NULL, kind varchar(20) NOT NULL, status varchar(12) NOT NULL, "
    "issuing_body varchar(255) NOT NULL, year smallint, version_date date NOT NULL, "
    "tsv tsvector NOT NULL, title_tsv tsvector NOT NULL) PARTITION BY RANGE (rank_key)",
    "CREATE TABLE laws_chunkterm (id bigint NOT NULL, kind varchar(20) NOT NULL, "
    "status varchar(12) NOT NULL, year smallint, tsv tsvector NOT NULL) "
    "PARTITION BY RANGE (id)",
    f"""DO $$
DECLARE w bigint;
BEGIN
  FOR w IN SELECT DISTINCT rank_key / {WINDOW} FROM laws_searchdoc LOOP
    EXECUTE format('CREATE TABLE laws_docterm_w%s PARTITION OF laws_docterm '
                   'FOR VALUES FROM (%s) TO (%s)', w, w * {WINDOW}, (w + 1) * {WINDOW});
    EXECUTE format('CREATE TABLE laws_chunkterm_w%s PARTITION OF laws_chunkterm '
                   'FOR VALUES FROM (%s) TO (%s)', w, w * {WINDOW} * {CHUNK_FACTOR},
                   (w + 1) * {WINDOW} * {CHUNK_FACTOR});
  END LOOP;
END $$""",
    "INSERT INTO laws_docterm SELECT rank_key, document_id, title, kind, status, "
    "issuing_body, year, version_date, "
    "coalesce(tsv, ''::tsvector), coalesce(title_tsv, ''::tsvector) FROM laws_searchdoc",
    "INSERT INTO laws_chunkterm SELECT c.id, d.kind, d.status, d.year, "
    "coalesce(c.tsv, ''::tsvector) FROM laws_searchchunk c "
    "JOIN laws_searchdoc d ON d.document_id = c.doc_id",
    # Indexes after the rows: built in one pass, with no GIN pending list left behind.
    # No B-tree on the partition keys: searches must go through the GIN indexes (a B-tree
    # on rank_key tempts the planner into reading every row's lexemes). Deletes find their
    # rows through these instead.
    "CREATE INDEX laws_docterm_document ON laws_docterm (document_id)",
    "CREATE INDEX laws_docterm_tsv ON laws_docterm USING gin (tsv)",
    "CREATE INDEX laws_docterm_title_tsv ON laws_docterm USING gin (title_tsv)",
    f"CREATE INDEX laws_chunkterm_rank ON laws_chunkterm ((id / {CHUNK_FACTOR}))",
    "CREATE INDEX laws_chunkterm_tsv ON laws_chunkterm USING gin (tsv)",
    "DROP INDEX IF EXISTS laws_searchdoc_tsv",
    "DROP INDEX IF EXISTS laws_searchdoc_title_tsv",
    "DROP INDEX IF EXISTS laws_searchchunk_tsv",
    "ALTER TABLE laws_searchdoc DROP COLUMN IF EXISTS tsv",
    "ALTER TABLE laws_searchdoc DROP COLUMN IF EXISTS title_tsv",
    "ALTER TABLE laws_searchchunk DROP COLUMN IF EXISTS tsv",
    "ANALYZE laws_docterm",
    "ANALYZE laws_chunkterm",
]
DROP = [
    "ALTER TABLE laws_searchdoc ADD COLUMN IF NOT EXISTS tsv tsvector",
    "ALTER TABLE laws_searchdoc ADD COLUMN IF NOT EXISTS title_tsv tsvector",
    "ALTER TABLE laws_searchchunk ADD COLUMN IF NOT EXISTS tsv tsvector",
    "UPDATE laws_searchdoc d SET tsv = t.tsv, title_tsv = t.title_tsv "
    "FROM laws_docterm t WHERE t.rank_key = d.rank_key",
    "UPDATE laws_searchchunk c SET tsv = t.tsv FROM laws_chunkterm t WHERE t.id = c.id",
    "CREATE INDEX IF NOT EXISTS laws_searchdoc_tsv ON laws_searchdoc USING gin (tsv)",
    "CREATE INDEX IF NOT EXISTS laws_searchdoc_title_tsv ON laws_searchdoc USING gin (title_tsv)",
    "CREATE INDEX IF NOT EXISTS laws_searchchunk_tsv ON laws_searchchunk USING gin (tsv)",
    "DROP TABLE laws_docterm",
    "DROP TABLE laws_chunkterm",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("laws", "0002_fulltext")]

    operations = [migrations.RunPython(forwards, backwards)]
