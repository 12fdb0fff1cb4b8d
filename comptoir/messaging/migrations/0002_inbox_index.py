"""The inbox's index: the unread replies and the keys that say whose inbox each one is in
(selectors.inbox_owner), so the topbar's count is one query over an index."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("messaging", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="message",
            index=models.Index(fields=["direction", "read_at", "opportunity", "customer", "lead", "in_reply_to"],
                               condition=models.Q(direction="in", read_at__isnull=True), name="message_inbox_idx"),
        ),
    ]
