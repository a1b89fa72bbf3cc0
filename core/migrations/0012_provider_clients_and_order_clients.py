from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('carepurse', '0011_orders_checks')]

    initial = False

    operations = [
        ops.AddField(
            model_name='ApiClient',
            name='provider',
            field=fields.ForeignKeyField('carepurse.Provider', source_field='provider_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE),
        ),
        ops.AddField(
            model_name='Order',
            name='api_client',
            field=fields.ForeignKeyField('carepurse.ApiClient', source_field='api_client_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL),
        ),
    ]
