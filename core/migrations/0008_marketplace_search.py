"""Marketplace search: the database's own text search, and indexes for the filters.

PostgreSQL: ``service.search_vector`` (a tsvector, ``english`` configuration) over
the title (weight A), the description (B) and the store's name (C), with a GIN
index. The store's name lives in another table, so a generated column cannot hold
it: a trigger fills the column on every insert and on updates of the title,
description or store, and a trigger on ``store`` refreshes its services' vectors
when the store is renamed. The GIN index is built without a pending list
(``fastupdate = off``): catalogue writes are few, and a list of unmerged entries
makes every search slower (and look costlier to the planner) until a vacuum.

SQLite: an FTS5 table ``service_fts`` (porter stemming) with the same three
columns and the service's id, kept in step by triggers. Where SQLite was built
without FTS5 the table is not made and search falls back to ``LIKE``
(core.marketplace.search says which it uses).

Both: btree indexes for the filters (a council's live services by category, the
services offered in a postcode district, a service's ratings, a store's services
and case studies). Reversible.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

INDEXES = [
    ("service_search_filters", "service", "tenant_id, status, category"),
    ("service_store", "service", "store_id"),
    ("service_area_district_service", "service_area", "district, service_id"),
    ("review_service_rating", "review", "service_id, rating"),
    ("case_study_store", "case_study", "store_id"),
]
CREATE_INDEXES = [f"CREATE INDEX {name} ON {table} ({columns})" for name, table, columns in INDEXES]
DROP_INDEXES = [f"DROP INDEX IF EXISTS {name}" for name, _, _ in INDEXES]

POSTGRES_FORWARD = f"""
CREATE FUNCTION carepurse_service_search_vector(title text, description text, store_name text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'B')
        || setweight(to_tsvector('english'::regconfig, coalesce(store_name, '')), 'C')
$$;

ALTER TABLE service ADD COLUMN search_vector tsvector;

CREATE FUNCTION carepurse_service_search_vector_fill() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := carepurse_service_search_vector(
        NEW.title, NEW.description, (SELECT name FROM store WHERE id = NEW.store_id));
    RETURN NEW;
END
$$;
CREATE TRIGGER service_search_vector_fill
    BEFORE INSERT OR UPDATE OF title, description, store_id ON service
    FOR EACH ROW EXECUTE FUNCTION carepurse_service_search_vector_fill();

CREATE FUNCTION carepurse_store_renamed_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE service
       SET search_vector = carepurse_service_search_vector(title, description, NEW.name)
     WHERE store_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER store_renamed_search
    AFTER UPDATE OF name ON store
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION carepurse_store_renamed_search();

UPDATE service AS s
   SET search_vector = carepurse_service_search_vector(s.title, s.description, st.name)
  FROM store AS st
 WHERE st.id = s.store_id;

CREATE INDEX service_search_vector ON service USING gin (search_vector)
    WITH (fastupdate = off);
{";".join(CREATE_INDEXES)};
"""

POSTGRES_BACKWARD = f"""
DROP TRIGGER IF EXISTS store_renamed_search ON store;
DROP TRIGGER IF EXISTS service_search_vector_fill ON service;
DROP FUNCTION IF EXISTS carepurse_store_renamed_search();
DROP FUNCTION IF EXISTS carepurse_service_search_vector_fill();
DROP INDEX IF EXISTS service_search_vector;
ALTER TABLE service DROP COLUMN IF EXISTS search_vector;
DROP FUNCTION IF EXISTS carepurse_service_search_vector(text, text, text);
{";".join(DROP_INDEXES)};
"""

# One statement each: a trigger body holds a semicolon of its own.
SQLITE_FTS_TABLE = """CREATE VIRTUAL TABLE service_fts USING fts5(
    service_id UNINDEXED, title, description, store_name,
    tokenize = 'porter unicode61 remove_diacritics 2')"""
_STORE_NAME = "(SELECT name FROM store WHERE id = NEW.store_id)"
SQLITE_FTS_FORWARD = [
    f"""CREATE TRIGGER service_fts_insert AFTER INSERT ON service BEGIN
    INSERT INTO service_fts (service_id, title, description, store_name)
    VALUES (NEW.id, NEW.title, NEW.description, {_STORE_NAME}); END""",
    f"""CREATE TRIGGER service_fts_update AFTER UPDATE OF title, description, store_id
    ON service BEGIN
    UPDATE service_fts SET title = NEW.title, description = NEW.description,
        store_name = {_STORE_NAME} WHERE service_id = OLD.id; END""",
    """CREATE TRIGGER service_fts_delete AFTER DELETE ON service BEGIN
    DELETE FROM service_fts WHERE service_id = OLD.id; END""",
    """CREATE TRIGGER store_fts_rename AFTER UPDATE OF name ON store
    WHEN OLD.name IS NOT NEW.name BEGIN
    UPDATE service_fts SET store_name = NEW.name
     WHERE service_id IN (SELECT id FROM service WHERE store_id = NEW.id); END""",
    """INSERT INTO service_fts (service_id, title, description, store_name)
    SELECT s.id, s.title, s.description, st.name FROM service s JOIN store st ON st.id = s.store_id""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS service_fts_insert",
    "DROP TRIGGER IF EXISTS service_fts_update",
    "DROP TRIGGER IF EXISTS service_fts_delete",
    "DROP TRIGGER IF EXISTS store_fts_rename",
    "DROP TABLE IF EXISTS service_fts",
    *DROP_INDEXES,
]


async def forward(apps, schema_editor) -> None:
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        await client.execute_script(POSTGRES_FORWARD)
    elif client.capabilities.dialect == "sqlite":
        try:
            await client.execute_query(SQLITE_FTS_TABLE)
        except Exception as error:  # SQLite built without FTS5: search uses LIKE instead
            if "fts5" not in str(error).lower():
                raise
        else:
            for statement in SQLITE_FTS_FORWARD:
                await client.execute_query(statement)
        for statement in CREATE_INDEXES:
            await client.execute_query(statement)


async def backward(apps, schema_editor) -> None:
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        await client.execute_script(POSTGRES_BACKWARD)
    elif client.capabilities.dialect == "sqlite":
        for statement in SQLITE_BACKWARD:
            await client.execute_query(statement)


class Migration(migrations.Migration):
    dependencies = [("carepurse", "0007_marketplace_checks")]

    initial = False

    operations = [ops.RunPython(forward, backward)]
