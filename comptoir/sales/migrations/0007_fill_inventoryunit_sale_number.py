"""The units sold by a won opportunity before catalog kept the fact on the unit's own row
(InventoryUnit.sale_number): each sold unit takes the number of the won deal naming it. Here, in
sales, since the deals are sales' rows; no opportunity changes."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    InventoryUnit = apps.get_model("catalog", "InventoryUnit")
    Opportunity = apps.get_model("sales", "Opportunity")
    won = Opportunity.objects.filter(unit_id=OuterRef("pk"), status="won").order_by("-closed_at", "-pk")
    sold = Opportunity.objects.filter(status="won", unit__isnull=False).values("unit_id")
    InventoryUnit.objects.filter(status="sold", sale_number="", pk__in=sold).update(
        sale_number=Subquery(won.values("number")[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0005_inventoryunit_sale_number"),
        ("sales", "0006_opportunity_quote_accepted_at"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
