"""On PostgreSQL the database itself refuses UPDATE and DELETE on audit rows.

SQLite (development only) relies on the application never issuing them and on
the hash chain (``carepurse audit verify``) to show tampering.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

FORBID = """
CREATE OR REPLACE FUNCTION carepurse_audit_is_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_event rows are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_event_append_only
    BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION carepurse_audit_is_append_only();
"""

ALLOW = """
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event;
DROP FUNCTION IF EXISTS carepurse_audit_is_append_only();
"""


async def _on_postgres(schema_editor, sql: str) -> None:
    if schema_editor.client.capabilities.dialect == "postgres":
        await schema_editor.client.execute_script(sql)


async def forbid_changes(apps, schema_editor) -> None:
    await _on_postgres(schema_editor, FORBID)


async def allow_changes(apps, schema_editor) -> None:
    await _on_postgres(schema_editor, ALLOW)


class Migration(migrations.Migration):
    dependencies = [("carepurse", "0002_identity_audit_email_oauth")]

    initial = False

    operations = [ops.RunPython(forbid_changes, allow_changes)]
