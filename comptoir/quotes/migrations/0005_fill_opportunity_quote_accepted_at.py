"""The deals priced from an accepted variant before sales kept the fact on its own row
(Opportunity.quote_accepted_at): filled from the latest accepted variant of each deal. Here, in
quotes, since the variants are quotes' rows; no row of quotes changes."""

from django.db import migrations
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce


def fill(apps, schema_editor):
    Opportunity = apps.get_model("sales", "Opportunity")
    QuoteVariant = apps.get_model("quotes", "QuoteVariant")
    accepted = QuoteVariant.objects.filter(quote__opportunity=OuterRef("pk"), status="accepted").order_by(
        "-accepted_at", "-pk")
    # accepted_at is always written with the status; the quote's date stands in should a row lack it.
    moment = Coalesce("accepted_at", "quote__created_at")
    priced = QuoteVariant.objects.filter(status="accepted").values("quote__opportunity")
    Opportunity.objects.filter(quote_accepted_at__isnull=True, pk__in=priced).update(
        quote_accepted_at=Subquery(accepted.annotate(moment=moment).values("moment")[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ("quotes", "0004_contract_trade_in_odometer"),
        ("sales", "0006_opportunity_quote_accepted_at"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
