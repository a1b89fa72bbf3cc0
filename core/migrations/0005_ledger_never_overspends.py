"""The database itself refuses an asset account below zero or a funding account above it.

PostgreSQL gets CHECK constraints. SQLite cannot add a CHECK to an existing
table, so it gets triggers that abort the same updates. Either way the
application's conditional updates are the first line; these are the backstop.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

POSTGRES_FORWARD = """
ALTER TABLE ledger_account ADD CONSTRAINT ledger_account_sign_by_kind CHECK (
    (kind IN ('available', 'held', 'spent') AND balance_pence >= 0)
    OR (kind = 'funding' AND balance_pence <= 0)
);
ALTER TABLE ledger_hold ADD CONSTRAINT ledger_hold_amounts CHECK (
    amount_pence > 0 AND posted_pence >= 0 AND posted_pence <= amount_pence
);
"""

POSTGRES_BACKWARD = """
ALTER TABLE ledger_account DROP CONSTRAINT IF EXISTS ledger_account_sign_by_kind;
ALTER TABLE ledger_hold DROP CONSTRAINT IF EXISTS ledger_hold_amounts;
"""

_ASSET_SIGN = """(NEW.kind IN ('available', 'held', 'spent') AND NEW.balance_pence < 0)
  OR (NEW.kind = 'funding' AND NEW.balance_pence > 0)"""
_HOLD_AMOUNTS = "NEW.amount_pence <= 0 OR NEW.posted_pence < 0 OR NEW.posted_pence > NEW.amount_pence"

# One statement each: a trigger body holds a semicolon of its own.
SQLITE_FORWARD = [
    f"""CREATE TRIGGER ledger_account_sign_on_update BEFORE UPDATE OF balance_pence
    ON ledger_account WHEN {_ASSET_SIGN}
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: ledger_account_sign_by_kind'); END""",
    f"""CREATE TRIGGER ledger_account_sign_on_insert BEFORE INSERT ON ledger_account
    WHEN {_ASSET_SIGN}
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: ledger_account_sign_by_kind'); END""",
    f"""CREATE TRIGGER ledger_hold_amounts_on_update BEFORE UPDATE ON ledger_hold
    WHEN {_HOLD_AMOUNTS}
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: ledger_hold_amounts'); END""",
    f"""CREATE TRIGGER ledger_hold_amounts_on_insert BEFORE INSERT ON ledger_hold
    WHEN {_HOLD_AMOUNTS}
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: ledger_hold_amounts'); END""",
]

SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS ledger_account_sign_on_update",
    "DROP TRIGGER IF EXISTS ledger_account_sign_on_insert",
    "DROP TRIGGER IF EXISTS ledger_hold_amounts_on_update",
    "DROP TRIGGER IF EXISTS ledger_hold_amounts_on_insert",
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
    dependencies = [("carepurse", "0004_budgets_ledger")]

    initial = False

    operations = [ops.RunPython(forward, backward)]
