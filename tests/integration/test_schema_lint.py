"""Schema lint (STYLE.md "Tests"): after all migrations, every table has a
primary key and every foreign key is served by an index whose leading
columns are the key's columns (else deleting a parent row scans the child)."""


def rows(server, sql):
    return [line.split("|") for line in server.psql(sql).splitlines() if line]


def test_every_table_has_a_primary_key(server):
    missing = rows(server, """
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r'
          AND NOT EXISTS (SELECT 1 FROM pg_constraint p WHERE p.conrelid = c.oid AND p.contype = 'p')
        ORDER BY 1""")
    assert missing == []


def test_every_foreign_key_is_indexed(server):
    unindexed = rows(server, """
        SELECT c.conrelid::regclass, c.conname FROM pg_constraint c
        WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace
          AND NOT EXISTS (
            SELECT 1 FROM pg_index i
            WHERE i.indrelid = c.conrelid
              AND (i.indkey::int2[])[0:array_length(c.conkey, 1) - 1] = c.conkey)
        ORDER BY 1, 2""")
    assert unindexed == []


def test_migrations_are_recorded(server):
    names = [r[0] for r in rows(server, "SELECT name FROM schema_migrations ORDER BY name")]
    assert names and names[0] == "0001_core.sql"
    assert names == sorted(names)
