"""Phones saved before issue 22 kept the number as typed (five formats in one list) and read no
« poste »: the extension is taken out of the typed number, then every North American number is
written in the one national format the services now store, « (418) 555-0199 ». Numbers from other
countries keep their typed form (the services reformat them at the next edit)."""

import re

from django.db import migrations
from django.db.models import Q

# The same reading as customers.services.contact._EXTENSION (a migration keeps its own copy: the
# services may change, this step must not).
EXTENSION = re.compile(r"^(.*?)[\s,;]*(?:poste|p\.|ext\.?|extension|x|#)\s*(\d{1,10})\s*$", re.IGNORECASE)


def phones_in_one_format(apps, schema_editor):
    CustomerPhone = apps.get_model("customers", "CustomerPhone")
    typed_extensions = CustomerPhone.objects.filter(extension="").filter(
        Q(number__iregex=r"(poste|p\.|ext|x|#)\s*[0-9]+\s*$"))
    changed = []
    for phone in typed_extensions.only("pk", "number").iterator(chunk_size=2000):
        match = EXTENSION.fullmatch(phone.number)
        if match:
            phone.number, phone.extension = match.group(1).strip()[:40], match.group(2)
            changed.append(phone)
    CustomerPhone.objects.bulk_update(changed, ["number", "extension"], batch_size=2000)
    table = schema_editor.quote_name(CustomerPhone._meta.db_table)
    schema_editor.execute(
        f"UPDATE {table} SET number = '(' || SUBSTR(e164, 3, 3) || ') ' || SUBSTR(e164, 6, 3) || '-' "
        f"|| SUBSTR(e164, 9, 4) WHERE e164 LIKE '+1%%' AND LENGTH(e164) = 12")


class Migration(migrations.Migration):

    dependencies = [
        ("customers", "0009_merge_undo_aliases_emails_extension"),
    ]

    operations = [
        migrations.RunPython(phones_in_one_format, migrations.RunPython.noop, elidable=True),
    ]
