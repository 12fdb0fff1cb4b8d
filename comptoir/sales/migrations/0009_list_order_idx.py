# Issue 25: the opportunity list's order (created_at, then id) in one index, so a page's ids — deep pages
# too — come from the index alone; it serves every range on created_at the single-column index served.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sales', '0008_accept_wins_stage_archived_locations'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='opportunity',
            index=models.Index(fields=['created_at', 'id'], name='opportunity_list_order_idx'),
        ),
        migrations.RemoveIndex(
            model_name='opportunity',
            name='opportunity_created_idx',
        ),
    ]
