"""The units' search keys (issue 23, the quote editor's search): the serial backwards, the stock number,
« make model trim » and « model trim », letters and digits only, each indexed behind the state, so a VIN's
last characters, a stock number or a model are found among a million units by a range on an index.
The existing units get theirs here, 2,000 at a time; the services keep them from then on
(catalog.selectors.unit_search_keys, which this copies so the migration never changes)."""

import re
import unicodedata

from django.db import migrations, models

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def _key(value) -> str:
    decomposed = unicodedata.normalize("NFKD", (value or "").lower())
    return _NOT_ALNUM.sub("", "".join(c for c in decomposed if not unicodedata.combining(c)))


def fill_keys(apps, schema_editor):
    InventoryUnit = apps.get_model("catalog", "InventoryUnit")
    batch = []
    for unit in InventoryUnit.objects.only("pk", "serial", "stock_number", "make", "model", "trim").iterator(
            chunk_size=2000):
        unit.serial_reversed = _key(unit.serial)[::-1][:50]
        unit.stock_key = _key(unit.stock_number)[:30]
        unit.make_key = _key(f"{unit.make} {unit.model} {unit.trim}")[:200]
        unit.model_key = _key(f"{unit.model} {unit.trim}")[:200]
        batch.append(unit)
        if len(batch) == 2000:
            InventoryUnit.objects.bulk_update(batch, ["serial_reversed", "stock_key", "make_key", "model_key"])
            batch = []
    if batch:
        InventoryUnit.objects.bulk_update(batch, ["serial_reversed", "stock_key", "make_key", "model_key"])


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0005_inventoryunit_sale_number'),
    ]

    operations = [
        migrations.AddField(
            model_name='inventoryunit',
            name='make_key',
            field=models.CharField(blank=True, editable=False, max_length=200),
        ),
        migrations.AddField(
            model_name='inventoryunit',
            name='model_key',
            field=models.CharField(blank=True, editable=False, max_length=200),
        ),
        migrations.AddField(
            model_name='inventoryunit',
            name='serial_reversed',
            field=models.CharField(blank=True, editable=False, max_length=50),
        ),
        migrations.AddField(
            model_name='inventoryunit',
            name='stock_key',
            field=models.CharField(blank=True, editable=False, max_length=30),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name='inventoryunit',
            index=models.Index(fields=['status', 'serial_reversed'], name='unit_serial_tail_idx'),
        ),
        migrations.AddIndex(
            model_name='inventoryunit',
            index=models.Index(fields=['status', 'stock_key'], name='unit_stock_key_idx'),
        ),
        migrations.AddIndex(
            model_name='inventoryunit',
            index=models.Index(fields=['status', 'make_key'], name='unit_make_key_idx'),
        ),
        migrations.AddIndex(
            model_name='inventoryunit',
            index=models.Index(fields=['status', 'model_key'], name='unit_model_key_idx'),
        ),
    ]
