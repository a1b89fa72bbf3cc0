from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from core.jobs.models import JobStatus
from json import dumps, loads
from tenants.models import TenantStatus
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='OutboxMessage',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('message_id', fields.UUIDField(unique=True)),
                ('tenant_id', fields.IntField(null=True, db_index=True)),
                ('actor_name', fields.CharField(max_length=100)),
                ('payload', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('idempotency_key', fields.CharField(null=True, unique=True, max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('relayed_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ('relay_attempts', fields.IntField(default=0)),
                ('last_error', fields.TextField(null=True, unique=False)),
            ],
            options={'table': 'outbox_message', 'app': 'carepurse', 'pk_attr': 'id', 'table_description': 'A job waiting to reach (or already handed to) the broker.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Tenant',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('slug', fields.CharField(unique=True, max_length=63)),
                ('name', fields.CharField(max_length=200)),
                ('status', fields.CharEnumField(default=TenantStatus.ACTIVE, description='ACTIVE: active\nSUSPENDED: suspended', enum_type=TenantStatus, max_length=16)),
                ('suspended_reason', fields.TextField(null=True, unique=False)),
                ('plugins', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('config_version', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'tenant', 'app': 'carepurse', 'pk_attr': 'id', 'table_description': 'One council. ``plugins`` is an ordered list of ``{name, config, secrets}``.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='JobRun',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('carepurse.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('job_name', fields.CharField(max_length=100)),
                ('period_key', fields.CharField(max_length=40)),
                ('status', fields.CharEnumField(default=JobStatus.RUNNING, description='RUNNING: running\nSUCCEEDED: succeeded\nFAILED: failed', enum_type=JobStatus, max_length=16)),
                ('attempts', fields.IntField(default=1)),
                ('summary', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('error', fields.TextField(null=True, unique=False)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'job_run', 'app': 'carepurse', 'unique_together': (('tenant', 'job_name', 'period_key'),), 'pk_attr': 'id', 'table_description': 'One run of a periodic job for one tenant and period (e.g. a day).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TenantDomain',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('carepurse.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name='domains', on_delete=OnDelete.CASCADE)),
                ('domain', fields.CharField(unique=True, max_length=253)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'tenant_domain', 'app': 'carepurse', 'pk_attr': 'id', 'table_description': "A council's own host name (``care.riverbend.gov.uk``), besides ``<slug>.<base>``."},
            bases=['Model'],
        ),
    ]
