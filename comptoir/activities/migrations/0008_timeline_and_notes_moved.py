"""The timeline moved to its own app (timeline 0001) and notes to customers (customers 0008): gone
from activities' state only, their tables and rows stay where they are."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("activities", "0007_timelineevent_timeline_actor_idx"),
        ("customers", "0008_note"),
        ("timeline", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="TimelineEvent"), migrations.DeleteModel(name="Note")],
            database_operations=[],
        ),
    ]
