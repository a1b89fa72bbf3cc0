"""The unmet-needs report reads one council's needs in a date range, newest first:
an index on (tenant_id, created_at) keeps it quick as needs pile up. Reversible."""

from tortoise import migrations
from tortoise.migrations import operations as ops

CREATE = "CREATE INDEX unmet_need_tenant_created ON unmet_need (tenant_id, created_at)"
DROP = "DROP INDEX IF EXISTS unmet_need_tenant_created"


async def forward(apps, schema_editor) -> None:
    await schema_editor.client.execute_query(CREATE)


async def backward(apps, schema_editor) -> None:
    await schema_editor.client.execute_query(DROP)


class Migration(migrations.Migration):
    dependencies = [("carepurse", "0008_marketplace_search")]
    initial = False
    operations = [ops.RunPython(forward, backward)]
