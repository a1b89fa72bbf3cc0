"""Orders never hold a negative amount or a quantity below one, and a booking is either
one-off or recurring by rule — refused by the database too.

CHECK constraints on PostgreSQL; SQLite cannot add them to existing tables, so
triggers abort the same writes there. Each rule is written once as a CHECK
expression (``{n}`` is where SQLite puts ``NEW.``); a NULL result passes on both,
as a CHECK does.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

# (table, constraint name, CHECK expression). SQLite compares instants with julianday(),
# which reads any UTC offset, rather than as text.
_RULES = [
    ("basket_item", "basket_item_price_not_negative", "{n}unit_price_pence >= 0"),
    ("basket_item", "basket_item_quantity", "{n}quantity >= 1"),
    ("basket_item", "basket_item_once_or_by_rule", "({n}on_date IS NULL) <> ({n}rule IS NULL)"),
    ("bulk_run", "bulk_run_quantity", "{n}quantity >= 1"),
    ("bulk_run", "bulk_run_counts", "{n}placed_count >= 0 AND {n}refused_count >= 0"),
    ("bulk_run", "bulk_run_once_or_by_rule", "({n}on_date IS NULL) <> ({n}rule IS NULL)"),
    ("service_order", "service_order_total_not_negative", "{n}total_pence >= 0"),
    ("booking", "booking_price_not_negative", "{n}unit_price_pence >= 0"),
    ("booking", "booking_quantity", "{n}quantity >= 1"),
    ("booking", "booking_committed_not_negative", "{n}committed_pence >= 0"),
    ("booking", "booking_notice_not_negative", "{n}notice_hours IS NULL OR {n}notice_hours >= 0"),
    ("booking", "booking_rule_by_kind", "({n}kind = 'recurring') = ({n}rule IS NOT NULL)"),
    ("booking", "booking_dates_in_order", "{n}ends_on IS NULL OR {n}ends_on >= {n}starts_on"),
    ("booking_session", "booking_session_amount_not_negative", "{n}amount_pence >= 0"),
    ("booking_session", "booking_session_times_in_order", "{t}({n}ends_at) >= {t}({n}starts_at)"),
    (
        "change_proposal",
        "change_proposal_price_not_negative",
        "{n}new_unit_price_pence IS NULL OR {n}new_unit_price_pence >= 0",
    ),
    (
        "change_proposal",
        "change_proposal_quantity",
        "{n}new_quantity IS NULL OR {n}new_quantity >= 1",
    ),
    ("delivery", "delivery_times_in_order", "{t}({n}ended_at) >= {t}({n}started_at)"),
]

POSTGRES_FORWARD = "\n".join(
    f"ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({rule.format(n='', t='')});"
    for table, name, rule in _RULES
)
POSTGRES_BACKWARD = "\n".join(
    f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name};" for table, name, _ in _RULES
)

# One statement each: a trigger body holds a semicolon of its own.
SQLITE_FORWARD = [
    f"""CREATE TRIGGER {name}_on_{when.lower()} BEFORE {when} ON {table}
    WHEN NOT ({rule.format(n="NEW.", t="julianday")})
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {name}'); END"""
    for table, name, rule in _RULES
    for when in ("INSERT", "UPDATE")
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {name}_on_{when.lower()}"
    for _, name, _ in _RULES
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
    dependencies = [("carepurse", "0010_orders")]

    initial = False

    operations = [ops.RunPython(forward, backward)]
