"""Demo data from the Maven CRM dataset (comptoir/demo/data), loaded by `comptoir demo`.

Each app adds its step to DEMO_STEPS; every step creates its records through the
app's services, so demo data obeys the same rules as real data.
"""

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.db import transaction

from comptoir.accounts.models import Location, Role, User
from comptoir.accounts.services import user_create
from comptoir.accounts.services import username_from_name as username_for

DATA_DIR = Path(__file__).resolve().parent / "data"
DEMO_PASSWORD = "comptoir-demo"
DEMO_ADMIN = "admin"
DEMO_RECEPTION = "accueil"


@dataclass
class DemoResult:
    counts: dict[str, int] = field(default_factory=dict)


def demo_is_loaded() -> bool:
    return User.objects.filter(username=DEMO_ADMIN).exists() or User.objects.exclude(is_superuser=True).exists()


def read_csv(name: str) -> list[dict]:
    with open(DATA_DIR / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_dataset(result: DemoResult) -> None:
    """The admin, then the Maven CRM dataset through the import services (imports.datasets), its
    dates moved so the last close was yesterday, then the reception desk. Demo accounts share
    one password."""
    from comptoir.imports.datasets import dataset_load, maven_shift_to_recent

    admin = User.objects.create_superuser(
        DEMO_ADMIN, "admin@example.com", DEMO_PASSWORD, first_name="Admin", last_name="Comptoir"
    )
    loaded = dataset_load(actor=admin, name="maven-crm", directory=DATA_DIR, deals_limit=DEMO_DEALS,
                          shift_days=maven_shift_to_recent(DATA_DIR))
    user_create(actor=admin, username=DEMO_RECEPTION, password=None, first_name="Réception",
                last_name="Accueil", email=f"{DEMO_RECEPTION}@example.com", role=Role.RECEPTION,
                location=Location.objects.get(code="central").pk)
    # One hash for every demo account: hashing 40 passwords one by one takes half a minute.
    User.objects.exclude(pk=admin.pk).update(password=make_password(DEMO_PASSWORD))
    result.counts.update({kind: counts["created"] for kind, counts in loaded.counts.items()})
    result.counts["users"] = User.objects.count()


WALK_INS = [("Marie-Ève", "Tremblay"), ("Jean-François", "Gagnon"), ("Sophie", "Côté"), ("Luc", "Bouchard")]


def load_walk_ins(result: DemoResult) -> None:
    """Each salesperson enters this month's walk-ins at the counter, one of four without an email,
    so the email ratio board has something to show."""
    from comptoir.customers.services import customer_create

    count = 0
    agents = User.objects.filter(role=Role.SALESPERSON).order_by("username")
    for number, agent in enumerate(agents):
        for index, (first_name, last_name) in enumerate(WALK_INS):
            slug = username_for(f"{first_name} {last_name}").replace(".", "-")
            customer_create(actor=agent, first_name=first_name, last_name=last_name,
                            email="" if (index + number) % 4 == 3 else f"{slug}.{number}@clients.example.com",
                            phones=[{"kind": "mobile", "number": f"819 555-{number:02d}{index:02d}"}])
            count += 1
    result.counts["walk_ins"] = count


SHOWROOM = [
    ("OUT-700", "Can-Am Outlander 700", "Can-Am", "12999.99", "10400.00"),
    ("MXZ-600", "Ski-Doo MXZ 600", "Ski-Doo", "15499.00", "12600.00"),
    ("SPARK-90", "Sea-Doo Spark 90", "Sea-Doo", "8999.00", "7300.00"),
    ("CASQUE", "Casque modulaire", "Accessoires", "349.00", "190.00"),
    ("TREUIL", "Treuil 3500 lb", "Accessoires", "549.99", "310.00"),
    ("PDI", "Préparation et inspection", "Service", "499.00", "180.00"),
]


UNITS = [  # (VIN without its check digit at position 9, stock number, year, make, model, colour, price, lot)
    ("3JBLGAT4?RJ000101", "U-101", 2026, "Can-Am", "Outlander 700", "Vert", "12999.99", "A-1"),
    ("3JBLGAT4?RJ000102", "U-102", 2026, "Can-Am", "Outlander 700", "Noir", "12999.99", "A-2"),
    ("3JBLGAT4?RJ000103", "U-103", 2026, "Can-Am", "Outlander 700", "Rouge", "12999.99", "Salle d'exposition"),
    ("2BPSUHCB?KV000201", "U-201", 2026, "Ski-Doo", "MXZ 600", "Jaune", "15499.00", "B-1"),
    ("2BPSUHCB?KV000202", "U-202", 2026, "Ski-Doo", "MXZ 600", "Noir", "15499.00", "B-2"),
    ("YDV12345K626", "U-301", 2025, "Sea-Doo", "Spark 90", "Blanc", "8999.00", "Entrepôt"),
]
COMPETITORS = [("marine-levis", "Marine Lévis", "Marine Lévis", "Marine Lévis"),
               ("sports-ste-foy", "Sports Ste-Foy", "Sports Ste-Foy", "Sports Ste-Foy"),
               ("achat-prive", "Achat entre particuliers", "Private sale", "Sprzedaż prywatna")]


def load_inventory(result: DemoResult) -> None:
    """Units on the lot with real check digits, and the dealers customers also shop at."""
    from comptoir.catalog.services import inventory_unit_save
    from comptoir.catalog.vin import vin_check_digit
    from comptoir.core.models import Competitor

    admin = User.objects.get(username=DEMO_ADMIN)
    for vin, stock, year, make, model, colour, price, lot in UNITS:
        serial = vin.replace("?", vin_check_digit(vin.replace("?", "0"))) if "?" in vin else vin
        inventory_unit_save(actor=admin, serial=serial, stock_number=stock, year=year, make=make, model=model,
                            colour=colour, price=price, lot_location=lot, external_id=f"DMS-{stock}")
    for code, name, name_en, name_pl in COMPETITORS:
        Competitor.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en, "name_pl": name_pl})
    result.counts["units"] = len(UNITS)


def load_showroom(result: DemoResult) -> None:
    """A pipeline that requires quotes, a small powersports catalogue, and quoted deals on this
    month's walk-ins: one variant sent, one accepted with its contract, some still drafts."""
    from comptoir.catalog.services import product_create
    from comptoir.customers.models import Customer
    from comptoir.quotes.services import contract_create, quote_create, quote_variant_accept
    from comptoir.sales.services import opportunity_create, pipeline_create

    admin = User.objects.get(username=DEMO_ADMIN)
    pipeline = pipeline_create(actor=admin, name="Véhicules neufs", prefix="VN", requires_quote=True,
                               stages=["Nouveau", "Essai", "Cotation", "Négociation"])
    for code, name, series, price, cost in SHOWROOM:
        product_create(actor=admin, code=code, name=name, series=series, unit_price=price, unit_cost=cost,
                       tax_class="standard")
    count = 0
    for agent in User.objects.filter(role=Role.SALESPERSON).order_by("username")[:8]:
        customer = Customer.objects.filter(salesperson=agent, channel="manual").order_by("pk").first()
        if customer is None:
            continue
        opportunity = opportunity_create(actor=agent, customer=customer.pk, pipeline=pipeline.pk,
                                         product="Can-Am Outlander 700",
                                         **({"unit": f"U-10{count + 1}"} if count < 3 else {}))
        quote = quote_create(actor=agent, opportunity_id=opportunity.pk, title="Printemps", variants=[
            {"name": "Comptant", "lines": [{"product": "OUT-700", "discount_pct": "5"}, {"product": "PDI"},
                                           {"product": "CASQUE", "quantity": "2"}]},
            {"name": "Avec treuil", "lines": [{"product": "OUT-700"}, {"product": "PDI"}, {"product": "TREUIL"}]},
        ])
        if count % 2 == 0:
            variant = quote.variants.order_by("position").first()
            quote_variant_accept(actor=agent, quote_id=quote.pk, variant_id=variant.pk)
            contract_create(actor=agent, opportunity_id=opportunity.pk, variant=variant.pk, deposit="500.00",
                            trade_in={"description": "VTT Honda 2015", "allowance": "2500.00",
                                      "lien_payoff": "800.00"})
        count += 1
    result.counts["quoted_deals"] = count


FOLLOW_UPS = [("Gabriel", "Lavoie", "Veut essayer un Spark avant l'été."),
              ("Chloé", "Bergeron", "A demandé le prix d'un MXZ 600 au salon.")]


def load_follow_ups(result: DemoResult) -> None:
    """Each salesperson's day: two leads to call back (one today), a call due this afternoon and
    one left overdue, so « Ma journée », the week and the reminders have something to show."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from comptoir.activities.services import task_create
    from comptoir.customers.models import Customer
    from comptoir.leads.services import lead_create

    today = timezone.localdate()
    zone = timezone.get_default_timezone()
    count = 0
    for number, agent in enumerate(User.objects.filter(role=Role.SALESPERSON).order_by("username")):
        for offset, (first_name, last_name, notes) in enumerate(FOLLOW_UPS):
            lead_create(actor=agent, first_name=first_name, last_name=f"{last_name}-{number + 1}", notes=notes,
                        phones=[{"number": f"450 555-{number:02d}{offset + 10:02d}"}],
                        next_contact_at=datetime.combine(today + timedelta(days=offset * 2), time(15), tzinfo=zone))
        customer = Customer.objects.filter(salesperson=agent, channel="manual").order_by("pk").first()
        task_create(actor=agent, title="Rappeler pour l'essai routier", customer=customer.pk if customer else None,
                    due_at=datetime.combine(today, time(16), tzinfo=zone))
        task_create(actor=agent, title="Envoyer la soumission promise", type="email",
                    due_at=datetime.combine(today - timedelta(days=1), time(10), tzinfo=zone))
        count += 1
    result.counts["follow_ups"] = count


MESSAGE_TEMPLATES = [
    ("Relance après essai", "email", "fr-ca", "Votre {{ opportunity.product }}",
     "Bonjour {{ customer.first_name }},\n\nMerci d'être passé essayer le {{ opportunity.product }}. "
     "Avez-vous des questions ? Je peux vous préparer une soumission dès aujourd'hui.\n\n{{ salesperson.signature }}"),
    ("Relance après essai", "email", "en", "Your {{ opportunity.product }}",
     "Hello {{ customer.first_name }},\n\nThank you for test-driving the {{ opportunity.product }}. "
     "Any questions? I can prepare a quote for you today.\n\n{{ salesperson.signature }}"),
    ("Relance après essai", "email", "pl", "Twój {{ opportunity.product }}",
     "Dzień dobry {{ customer.first_name }},\n\ndziękujemy za jazdę próbną {{ opportunity.product }}. "
     "Czy ma Pan/Pani pytania? Mogę dziś przygotować ofertę.\n\n{{ salesperson.signature }}"),
    ("Nouvelles du client", "email", "fr-ca", "Des nouvelles de chez nous",
     "Bonjour {{ customer.first_name }},\n\nNos nouveaux modèles sont arrivés en salle de montre. "
     "Passez nous voir !\n\n{{ salesperson.signature }}"),
    ("Rappel de rendez-vous", "sms", "fr-ca", "",
     "{{ customer.first_name }}, c'est {{ salesperson.first_name }} de la concession : on se voit bientôt ?"),
]


def load_message_templates(result: DemoResult) -> None:
    """Follow-up templates in the three languages, and a text."""
    from comptoir.messaging.services import template_create

    admin = User.objects.get(username=DEMO_ADMIN)
    for name, channel, language, subject, body in MESSAGE_TEMPLATES:
        template_create(actor=admin, name=name, channel=channel, language=language, subject=subject, body=body)
    result.counts["message_templates"] = len(MESSAGE_TEMPLATES)


DEMO_DEALS: int | None = None  # all the dataset's deals; tests take fewer
DEMO_STEPS = [load_dataset, load_walk_ins, load_inventory, load_showroom, load_follow_ups, load_message_templates]


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, password, role) of one demo account per role, as long as it exists."""
    logins = []
    for role in (Role.ADMIN, Role.SALES_MANAGER, Role.SALESPERSON, Role.RECEPTION):
        user = User.objects.filter(role=role, is_active=True, email__endswith="@example.com").order_by("pk").first()
        if user is not None:
            logins.append((user.username, DEMO_PASSWORD, str(role.label)))
    return logins


@transaction.atomic
def demo_load() -> DemoResult:
    result = DemoResult()
    for step in DEMO_STEPS:
        step(result)
    return result
