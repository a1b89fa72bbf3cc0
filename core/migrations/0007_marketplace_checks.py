"""Prices are whole pence and never negative; ratings are 1 to 5 — refused by the database too.

CHECK constraints on PostgreSQL; SQLite cannot add them to existing tables, so
triggers abort the same writes there.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

POSTGRES_FORWARD = """
ALTER TABLE service ADD CONSTRAINT service_price_not_negative CHECK (unit_price_pence >= 0);
ALTER TABLE service ADD CONSTRAINT service_minimum_units CHECK (minimum_units >= 1);
ALTER TABLE service_area ADD CONSTRAINT service_area_price_not_negative
    CHECK (price_pence IS NULL OR price_pence >= 0);
ALTER TABLE review ADD CONSTRAINT review_rating_range CHECK (rating BETWEEN 1 AND 5);
"""

POSTGRES_BACKWARD = """
ALTER TABLE service DROP CONSTRAINT IF EXISTS service_price_not_negative;
ALTER TABLE service DROP CONSTRAINT IF EXISTS service_minimum_units;
ALTER TABLE service_area DROP CONSTRAINT IF EXISTS service_area_price_not_negative;
ALTER TABLE review DROP CONSTRAINT IF EXISTS review_rating_range;
"""

_RULES = {
    "service": ("NEW.unit_price_pence < 0 OR NEW.minimum_units < 1", "service_price"),
    "service_area": ("NEW.price_pence IS NOT NULL AND NEW.price_pence < 0", "service_area_price"),
    "review": ("NEW.rating < 1 OR NEW.rating > 5", "review_rating_range"),
}

# One statement each: a trigger body holds a semicolon of its own.
SQLITE_FORWARD = [
    f"""CREATE TRIGGER {table}_{when.lower()}_check BEFORE {when} ON {table} WHEN {rule}
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {name}'); END"""
    for table, (rule, name) in _RULES.items()
    for when in ("INSERT", "UPDATE")
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {table}_{when.lower()}_check"
    for table in _RULES
    for when in ("INSERT", "UPDATE")
]


async def _run(schema_editor, postgres: str, sqlite: list[str]) -> None:
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        await client.execute_script(postgres)
    elif client.capabilities.dialect == "sqlite":
        for statement in sqlite:
            await client.execute_query(statement)


async def forward(apps, schema_editor) -> None:
    await _run(schema_editor, POSTGRES_FORWARD, SQLITE_FORWARD)


async def backward(apps, schema_editor) -> None:
    await _run(schema_editor, POSTGRES_BACKWARD, SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("carepurse", "0006_marketplace_accreditation")]

    initial = False

    operations = [ops.RunPython(forward, backward)]
