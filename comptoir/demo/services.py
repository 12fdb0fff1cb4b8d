"""Demo data from the Maven CRM dataset (comptoir/demo/data), loaded by `comptoir demo`.

Each app adds its step to DEMO_STEPS; every step creates its records through the
app's services, so demo data obeys the same rules as real data.
"""

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.db import transaction

from comptoir.accounts.models import Department, Location, Role, User
from comptoir.accounts.services import user_create
from comptoir.accounts.services import username_from_name as username_for
from comptoir.core.services import reference_item_create

DATA_DIR = Path(__file__).resolve().parent / "data"
DEMO_PASSWORD = "comptoir-demo"
DEMO_ADMIN = "admin"
DEMO_RECEPTION = "accueil"

# The Maven dataset's regional offices, as dealership locations.
OFFICES = {
    "Central": {"name": "Centre", "name_en": "Central", "name_pl": "Centrum", "code": "central",
                "city": "Drummondville", "province": "QC"},
    "East": {"name": "Est", "name_en": "East", "name_pl": "Wschód", "code": "east",
             "city": "Rimouski", "province": "QC"},
    "West": {"name": "Ouest", "name_en": "West", "name_pl": "Zachód", "code": "west",
             "city": "Gatineau", "province": "QC"},
}


@dataclass
class DemoResult:
    counts: dict[str, int] = field(default_factory=dict)


def demo_is_loaded() -> bool:
    return User.objects.filter(username=DEMO_ADMIN).exists() or User.objects.exclude(is_superuser=True).exists()


def read_csv(name: str) -> list[dict]:
    with open(DATA_DIR / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_accounts(result: DemoResult) -> None:
    admin = User.objects.create_superuser(
        DEMO_ADMIN, "admin@example.com", DEMO_PASSWORD, first_name="Admin", last_name="Comptoir"
    )
    sales = Department.objects.get(code="sales")
    locations = {
        office: reference_item_create(actor=admin, model=Location, **values)
        for office, values in OFFICES.items()
    }
    teams = read_csv("sales_teams.csv")
    people: dict[str, tuple[str, Location]] = {}
    for row in teams:
        people.setdefault(row["manager"], (Role.SALES_MANAGER, locations[row["regional_office"]]))
        people[row["sales_agent"]] = (Role.SALESPERSON, locations[row["regional_office"]])
    people["Réception Accueil"] = (Role.RECEPTION, locations["Central"])

    created = []
    for full_name, (role, location) in people.items():
        first_name, _space, last_name = full_name.partition(" ")
        username = DEMO_RECEPTION if role == Role.RECEPTION else username_for(full_name)
        created.append(user_create(
            actor=admin, username=username, password=None, first_name=first_name, last_name=last_name,
            email=f"{username}@example.com", role=role,
            department=None if role == Role.RECEPTION else sales, location=location,
        ))
    managers = {u.get_full_name(): u for u in created if u.role == Role.SALES_MANAGER}
    for row in teams:
        User.objects.filter(username=username_for(row["sales_agent"])).update(manager=managers[row["manager"]])
    # One hash for every demo account: hashing 40 passwords one by one takes half a minute.
    User.objects.filter(pk__in=[u.pk for u in created]).update(password=make_password(DEMO_PASSWORD))
    result.counts["users"] = len(created) + 1
    result.counts["locations"] = len(locations)


def load_customers(result: DemoResult) -> None:
    """The Maven dataset's 85 accounts as company customers, each owned by one of the agents.

    Every fifth has no email on file, so the email ratio board has something to show.
    """
    from comptoir.customers.services import customer_create

    agents = list(User.objects.filter(role=Role.SALESPERSON).order_by("username"))
    for index, row in enumerate(read_csv("accounts.csv")):
        slug = username_for(row["account"]).replace(".", "-")
        customer_create(
            actor=agents[index % len(agents)], company=row["account"],
            email="" if index % 5 == 4 else f"ventes@{slug}.example.com",
            external_id=f"MAVEN-{slug.upper()}"[:64],
        )
    result.counts["customers"] = index + 1


DEMO_DEALS = 600  # the most recent of the dataset's deals: enough for the board and the figures


def load_opportunities(result: DemoResult) -> None:
    """The Maven deals of the demo customers in one pipeline without quotes, through the services.

    The dataset's dates (2016–2017) are shifted so its last close falls on today, and each deal
    is closed as the dataset says. The dataset gives the sale value only: the cost is taken as
    80 % of it, so margins are illustrative.
    """
    from datetime import date, datetime, time
    from decimal import Decimal

    from django.utils import timezone

    from comptoir.core.models import Source
    from comptoir.customers.models import Customer
    from comptoir.sales.models import Opportunity
    from comptoir.sales.services import opportunity_change_status, opportunity_create, opportunity_update
    from comptoir.sales.services import pipeline_create

    admin = User.objects.get(username=DEMO_ADMIN)
    pipeline = pipeline_create(actor=admin, name="Ventes B2B", prefix="VB", requires_quote=False,
                               stages=["Prospection", "Engagement", "Négociation"])
    engaging = pipeline.stages.get(name="Engagement")
    negotiating = pipeline.stages.get(name="Négociation")
    prices = {r["product"]: Decimal(r["sales_price"]) for r in read_csv("products.csv")}
    sources = list(Source.objects.order_by("position").values_list("pk", flat=True))
    customers = {c.company: c for c in Customer.objects.all()}
    agents = {u.get_full_name(): u for u in User.objects.filter(role=Role.SALESPERSON)}
    rows = [r for r in read_csv("sales_pipeline.csv") if r["account"] in customers and r["engage_date"]]
    # The most recent deals, a quarter of them still open, so the board has something to show.
    rows = sorted(rows, key=lambda r: r["engage_date"])
    still_open = [r for r in rows if r["deal_stage"] == "Engaging"][-DEMO_DEALS // 4:]
    rows = sorted(still_open + [r for r in rows if r["deal_stage"] != "Engaging"][-(DEMO_DEALS - len(still_open)):],
                  key=lambda r: r["engage_date"])
    last = max(date.fromisoformat(r["close_date"] or r["engage_date"]) for r in rows)
    shift = timezone.localdate() - last
    zone = timezone.get_default_timezone()

    def moment(text: str) -> datetime:
        return datetime.combine(date.fromisoformat(text) + shift, time(10), tzinfo=zone)

    for index, row in enumerate(rows):
        # The dataset's seller is rarely the account's owner: the admin enters the deal for them.
        agent = admin
        product = row["product"].replace("GTXPro", "GTX Pro")
        opportunity = opportunity_create(actor=admin, customer=customers[row["account"]].pk, pipeline=pipeline.pk,
                                         salesperson=agents[row["sales_agent"]].pk, source=sources[index % len(sources)],
                                         product=product, amount=prices.get(product))
        if row["deal_stage"] != "Engaging" or index % 3:
            opportunity_update(actor=agent, opportunity_id=opportunity.pk, stage=engaging.pk)
        if row["deal_stage"] == "Engaging" and index % 3 == 2:
            opportunity_update(actor=agent, opportunity_id=opportunity.pk, stage=negotiating.pk)
        if row["deal_stage"] == "Won":
            amount = Decimal(row["close_value"] or "0")
            opportunity_change_status(actor=agent, opportunity_id=opportunity.pk, status="won",
                                      amount=amount, cost=(amount * Decimal("0.8")).quantize(Decimal("0.01")))
        elif row["deal_stage"] == "Lost":
            opportunity_change_status(actor=agent, opportunity_id=opportunity.pk, status="lost",
                                      lost_reason=LOST_REASONS[int(opportunity.pk) % len(LOST_REASONS)])
        closed = moment(row["close_date"]) if row["close_date"] else None
        # History, not an edit: the dataset's own dates.
        Opportunity.objects.filter(pk=opportunity.pk).update(
            created_at=moment(row["engage_date"]), closed_at=closed,
            sale_date=closed.date() if closed and row["deal_stage"] == "Won" else None)
    result.counts["opportunities"] = len(rows)


LOST_REASONS = ["price", "bought_elsewhere", "no_news", "financing_refused", "not_interested"]

DEMO_STEPS = [load_accounts, load_customers, load_opportunities]


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
