# Issue 25: the email ratio of a month reads the customers salespeople created in it (channel manual) and,
# of each, who created it, its email's status, whether it was merged and its points: all in this index, so
# PostgreSQL answers from the index alone (once vacuumed) and SQLite without the table.

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0011_unread_indexes_dropped'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='customer',
            index=models.Index(condition=models.Q(('channel', 'manual'), ('created_by__isnull', False)),
                               fields=['created_at', 'created_by', 'email_status', 'merged_into', 'points_lost', 'id'],
                               name='customer_month_ratio_idx'),
        ),
    ]
