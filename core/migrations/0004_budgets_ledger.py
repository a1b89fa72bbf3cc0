from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from core.budgets.models import BudgetStatus, ExceptionKind, Schedule
from core.ledger.models import AccountKind, EntryKind, HoldStatus
from core.people.models import BudgetManager, ContactPreference
from json import dumps, loads
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('carepurse', '0003_audit_rows_are_immutable')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Budget',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('carepurse.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('person', fields.ForeignKeyField('carepurse.Membership', source_field='person_id', db_constraint=True, to_field='id', related_name='budgets', on_delete=OnDelete.RESTRICT)),
                ('period_start', fields.DateField()),
                ('period_end', fields.DateField()),
                ('status', fields.CharEnumField(default=BudgetStatus.ACTIVE, description='ACTIVE: active\nENDED: ended', enum_type=BudgetStatus, max_length=16)),
                ('ended_on', fields.DateField(null=True)),
                ('created_by', fields.CharField(max_length=300)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'budget', 'app': 'carepurse', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='BudgetException',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant_id', fields.IntField(db_index=True)),
                ('budget', fields.ForeignKeyField('carepurse.Budget', source_field='budget_id', db_constraint=True, to_field='id', related_name='exceptions', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='OVERSPEND: overspend\nUNDERSPEND: underspend', enum_type=ExceptionKind, max_length=16)),
                ('detected_on', fields.DateField()),
                ('detail', fields.CharField(max_length=300)),
                ('amount_pence', fields.BigIntField()),
                ('runs_out_on', fields.DateField(null=True)),
                ('resolved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'budget_exception', 'app': 'carepurse', 'unique_together': (('budget', 'kind', 'detected_on'),), 'pk_attr': 'id', 'table_description': "A budget forecast to overspend or underspend beyond the council's thresholds."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FundingStream',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('tenant_id', fields.IntField(db_index=True)),
                ('budget', fields.ForeignKeyField('carepurse.Budget', source_field='budget_id', db_constraint=True, to_field='id', related_name='streams', on_delete=OnDelete.RESTRICT)),
                ('funding_type', fields.CharField(max_length=60)),
                ('name', fields.CharField(max_length=120)),
                ('instalment_pence', fields.BigIntField()),
                ('currency', fields.CharField(default='GBP', max_length=3)),
                ('schedule', fields.CharEnumField(description='ONE_OFF: one_off\nWEEKLY: weekly\nFOUR_WEEKLY: four_weekly\nMONTHLY: monthly\nQUARTERLY: quarterly', enum_type=Schedule, max_length=16)),
                ('first_payment_on', fields.DateField()),
                ('allowed_categories', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('top_ups_allowed', fields.BooleanField(default=False)),
                ('position', fields.IntField(default=0)),
                ('ends_on', fields.DateField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'funding_stream', 'app': 'carepurse', 'pk_attr': 'id', 'table_description': 'One source of money in a budget, e.g. a 4-weekly direct payment or NHS funding.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FundingInstalment',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant_id', fields.IntField(db_index=True)),
                ('stream', fields.ForeignKeyField('carepurse.FundingStream', source_field='stream_id', db_constraint=True, to_field='id', related_name='instalments', on_delete=OnDelete.RESTRICT)),
                ('due_on', fields.DateField()),
                ('amount_pence', fields.BigIntField()),
                ('credited_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('cancelled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'funding_instalment', 'app': 'carepurse', 'unique_together': (('stream', 'due_on'),), 'pk_attr': 'id', 'table_description': 'One scheduled payment into a stream. Unique per stream and day: never credited twice.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FundingTypeDefinition',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('carepurse.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('code', fields.CharField(max_length=60)),
                ('label', fields.CharField(max_length=120)),
                ('allowed_categories', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'funding_type', 'app': 'carepurse', 'unique_together': (('tenant', 'code'),), 'pk_attr': 'id', 'table_description': 'A funding type a council defines beyond the standard ones.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Hold',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('tenant_id', fields.IntField(db_index=True)),
                ('budget', fields.ForeignKeyField('carepurse.Budget', source_field='budget_id', db_constraint=True, to_field='id', related_name='holds', on_delete=OnDelete.RESTRICT)),
                ('stream', fields.ForeignKeyField('carepurse.FundingStream', source_field='stream_id', db_constraint=True, to_field='id', related_name='holds', on_delete=OnDelete.RESTRICT)),
                ('amount_pence', fields.BigIntField()),
                ('posted_pence', fields.BigIntField(default=0)),
                ('category', fields.CharField(max_length=60)),
                ('description', fields.CharField(max_length=300)),
                ('reference', fields.CharField(null=True, max_length=200)),
                ('status', fields.CharEnumField(default=HoldStatus.PENDING, description='PENDING: pending\nPOSTED: posted\nVOIDED: voided', enum_type=HoldStatus, max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('settled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'ledger_hold', 'app': 'carepurse', 'pk_attr': 'id', 'table_description': 'Money committed to a service: pending until an approved invoice posts it'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='IdempotencyRecord',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant_id', fields.IntField()),
                ('caller', fields.CharField(max_length=100)),
                ('key', fields.CharField(max_length=200)),
                ('request_hash', fields.CharField(max_length=64)),
                ('status_code', fields.IntField(null=True)),
                ('response_body', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'idempotency_record', 'app': 'carepurse', 'unique_together': (('tenant_id', 'caller', 'key'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='JournalEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant_id', fields.IntField(db_index=True)),
                ('budget', fields.ForeignKeyField('carepurse.Budget', source_field='budget_id', db_constraint=True, to_field='id', related_name='entries', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='FUNDING: funding\nTOP_UP: top_up\nHOLD: hold\nPOST: post\nVOID: void\nINCREASE: increase\nREDUCTION: reduction', enum_type=EntryKind, max_length=16)),
                ('description', fields.CharField(max_length=300)),
                ('effective_on', fields.DateField()),
                ('idempotency_key', fields.CharField(null=True, max_length=200)),
                ('hold', fields.ForeignKeyField('carepurse.Hold', source_field='hold_id', null=True, db_constraint=True, to_field='id', related_name='entries', on_delete=OnDelete.RESTRICT)),
                ('actor_label', fields.CharField(max_length=300)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'journal_entry', 'app': 'carepurse', 'unique_together': (('tenant_id', 'idempotency_key'),), 'pk_attr': 'id', 'table_description': 'A balanced movement of money. Corrections are new entries, never edits.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LedgerAccount',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant_id', fields.IntField(db_index=True)),
                ('stream', fields.ForeignKeyField('carepurse.FundingStream', source_field='stream_id', db_constraint=True, to_field='id', related_name='accounts', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='FUNDING: funding\nAVAILABLE: available\nHELD: held\nSPENT: spent', enum_type=AccountKind, max_length=16)),
                ('balance_pence', fields.BigIntField(default=0)),
                ('currency', fields.CharField(default='GBP', max_length=3)),
            ],
            options={'table': 'ledger_account', 'app': 'carepurse', 'unique_together': (('stream', 'kind'),), 'pk_attr': 'id', 'table_description': 'One of the four accounts of a funding stream. ``balance_pence`` is a cache of the'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='JournalLine',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('entry', fields.ForeignKeyField('carepurse.JournalEntry', source_field='entry_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.RESTRICT)),
                ('account', fields.ForeignKeyField('carepurse.LedgerAccount', source_field='account_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.RESTRICT)),
                ('amount_pence', fields.BigIntField()),
            ],
            options={'table': 'journal_line', 'app': 'carepurse', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PersonProfile',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant_id', fields.IntField(db_index=True)),
                ('membership', fields.OneToOneField('carepurse.Membership', source_field='membership_id', db_constraint=True, to_field='id', related_name='profile', on_delete=OnDelete.CASCADE)),
                ('date_of_birth', fields.DateField(null=True)),
                ('address', fields.CharField(null=True, max_length=300)),
                ('postcode', fields.CharField(null=True, max_length=8)),
                ('phone', fields.CharField(null=True, max_length=40)),
                ('contact_preference', fields.CharEnumField(default=ContactPreference.EMAIL, description='EMAIL: email\nPHONE: phone\nTEXT: text\nLETTER: letter', enum_type=ContactPreference, max_length=16)),
                ('budget_manager', fields.CharEnumField(default=BudgetManager.PERSON, description='PERSON: person\nCIRCLE: circle\nBROKER: broker\nCOUNCIL: council', enum_type=BudgetManager, max_length=16)),
                ('manager', fields.ForeignKeyField('carepurse.Membership', source_field='manager_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('self_funder', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'person_profile', 'app': 'carepurse', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RecurringCommitment',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('tenant_id', fields.IntField(db_index=True)),
                ('budget', fields.ForeignKeyField('carepurse.Budget', source_field='budget_id', db_constraint=True, to_field='id', related_name='commitments', on_delete=OnDelete.RESTRICT)),
                ('description', fields.CharField(max_length=200)),
                ('amount_pence', fields.BigIntField()),
                ('schedule', fields.CharEnumField(description='ONE_OFF: one_off\nWEEKLY: weekly\nFOUR_WEEKLY: four_weekly\nMONTHLY: monthly\nQUARTERLY: quarterly', enum_type=Schedule, max_length=16)),
                ('starts_on', fields.DateField()),
                ('ends_on', fields.DateField(null=True)),
                ('cancelled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'recurring_commitment', 'app': 'carepurse', 'pk_attr': 'id', 'table_description': 'Planned regular spending (e.g. weekly home care), used to forecast the budget.'},
            bases=['Model'],
        ),
    ]
