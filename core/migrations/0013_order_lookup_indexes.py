from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("carepurse", "0012_provider_clients_and_order_clients")]

    initial = False

    operations = [
        ops.AddIndex(
            model_name="Booking",
            index=Index(fields=["order_id"], name="booking_order"),
        ),
        ops.AddIndex(
            model_name="ChangeProposal",
            index=Index(fields=["booking_id", "status"], name="change_proposal_booking"),
        ),
        ops.AddIndex(
            model_name="EnquiryMessage",
            index=Index(fields=["enquiry_id", "created_at"], name="enquiry_message_thread"),
        ),
    ]
