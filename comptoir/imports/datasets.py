"""Public datasets loaded as real data through the import services: `comptoir import-dataset`.

maven-crm (Maven Analytics' CRM sales opportunities, in MAVEN_DIR: comptoir/imports/data/maven-crm):
- sales_teams.csv → salespeople in the sales department, their managers as sales managers, each
  regional office a location;
- accounts.csv → company customers (sector → industry; year established, revenue, employees,
  office location and parent company kept in the customer's other details);
- products.csv → catalogue products (price as Decimal);
- sales_pipeline.csv → opportunities of the pipeline "Maven" (stages Prospecting, Engaging):
  Won / Lost rows are won / lost deals closed on close_date with close_value as amount,
  engage_date is the creation date. A row without an account gets a customer of its own, named
  after the opportunity id. Product names are matched to the catalogue ignoring case and spaces.
  The dataset gives no cost: a won deal's cost is `cost_ratio` × its value (80 % unless told),
  so margins are illustrative. Lost deals get the lost reason "Non précisée".
Every record carries the dataset's own key (username, MAVEN-… DMS id, product code, opportunity
id), so loading twice changes nothing.
"""

import csv
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.models import Department, Location, Role, User
from comptoir.accounts.services import user_create, user_update, username_from_name
from comptoir.catalog.selectors import product_match, product_match_key
from comptoir.catalog.services import product_code_for, product_create
from comptoir.core.exceptions import ApplicationError
from comptoir.core.figures import to_cents
from comptoir.core.models import LostReason
from comptoir.core.services import reference_item_create
from comptoir.customers.services import Lookups, OnDuplicate, customers_import
from comptoir.sales.models import Pipeline
from comptoir.sales.services import opportunities_import, pipeline_create

# Shipped with the package (pyproject's package-data): `comptoir import-dataset maven-crm` and the benchmark
# read it from here.
MAVEN_DIR = Path(__file__).resolve().parent / "data" / "maven-crm"
DATASETS = ("maven-crm",)
UNKNOWN_DATASET = _("Jeu de données inconnu : %(name)s.")
MISSING_FILE = _("Fichier manquant : %(path)s.")
PIPELINE = "Maven"
PIPELINE_PREFIX = "MV"
STAGES = ["Prospecting", "Engaging"]
OFFICES = {
    "Central": {"name": "Centre", "name_en": "Central", "name_pl": "Centrum", "code": "central",
                "city": "Drummondville", "province": "QC"},
    "East": {"name": "Est", "name_en": "East", "name_pl": "Wschód", "code": "east",
             "city": "Rimouski", "province": "QC"},
    "West": {"name": "Ouest", "name_en": "West", "name_pl": "Zachód", "code": "west",
             "city": "Gatineau", "province": "QC"},
}
UNSPECIFIED = {"code": "unspecified", "name": "Non précisée", "name_en": "Not specified",
               "name_pl": "Nieokreślona"}
BATCH = 1000


@dataclass
class LoadResult:
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, kind: str, outcomes: list) -> None:
        counts = self.counts.setdefault(kind, {"created": 0, "updated": 0, "skipped": 0, "error": 0})
        for outcome, _value in outcomes:
            counts[outcome] += 1
        errors = [value for outcome, value in outcomes if outcome == "error"]
        if errors:
            raise errors[0]  # the dataset is known-good: a refusal is a bug to see, not to skip


def _read(directory: Path, name: str) -> list[dict]:
    path = directory / name
    if not path.exists():
        raise ApplicationError(MISSING_FILE % {"path": path}, field="directory")
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def account_key(name: str) -> str:
    return ("MAVEN-" + username_from_name(name).replace(".", "-").upper())[:64]


def _locations(actor) -> dict[str, Location]:
    found = {}
    for office, values in OFFICES.items():
        found[office] = Location.objects.filter(code=values["code"]).first() \
            or reference_item_create(actor=actor, model=Location, **values)
    return found


def _users(actor, rows: list[dict], locations: dict, result: LoadResult) -> dict[str, User]:
    sales = Department.objects.get(code="sales")
    people: dict[str, tuple[str, Location]] = {}
    for row in rows:
        people.setdefault(row["manager"], (Role.SALES_MANAGER, locations[row["regional_office"]]))
        people[row["sales_agent"]] = (Role.SALESPERSON, locations[row["regional_office"]])
    users, outcomes = {}, []
    for full_name, (role, location) in people.items():
        username = username_from_name(full_name)
        user = User.objects.filter(username=username).first()
        first_name, _space, last_name = full_name.partition(" ")
        if user is None:
            user = user_create(actor=actor, username=username, password=None, first_name=first_name,
                               last_name=last_name, email=f"{username}@example.com", role=role,
                               department=sales.pk, location=location.pk)
            outcomes.append(("created", user.pk))
        else:
            outcomes.append(("skipped", user.pk))
        users[full_name] = user
    for row in rows:
        agent, manager = users[row["sales_agent"]], users[row["manager"]]
        if agent.manager_id != manager.pk:
            user_update(actor=actor, user_id=agent.pk, manager=manager.pk)
    result.add("users", outcomes)
    return users


def _products(actor, rows: list[dict], result: LoadResult) -> None:
    outcomes = []
    for row in rows:
        existing = product_match(row["product"])
        if existing is not None:
            outcomes.append(("skipped", existing.pk))
            continue
        product = product_create(actor=actor, code=product_code_for(row["product"]), name=row["product"],
                                 series=row["series"], unit_price=Decimal(row["sales_price"]))
        outcomes.append(("created", product.pk))
    result.add("products", outcomes)


def _customers(actor, accounts: list[dict], orphans: list[dict], result: LoadResult, job_id=None) -> None:
    rows = [{"company": a["account"], "industry": a["sector"], "external_id": account_key(a["account"]),
             "details": {k: a[k] for k in ("year_established", "revenue", "employees", "office_location",
                                           "subsidiary_of")}}
            for a in accounts]
    rows += [{"company": str(_("Compte inconnu %(id)s") % {"id": o["opportunity_id"]}),
              "external_id": f"MAVEN-OPP-{o['opportunity_id']}"} for o in orphans]
    lookups = Lookups(actor)
    for start in range(0, len(rows), BATCH):
        result.add("customers", customers_import(actor=actor, rows=rows[start:start + BATCH], lookups=lookups,
                                                 on_duplicate=OnDuplicate.SKIP, job_id=job_id))


def _pipeline(actor):
    return Pipeline.objects.filter(name=PIPELINE).first() or pipeline_create(
        actor=actor, name=PIPELINE, prefix=PIPELINE_PREFIX, stages=STAGES, requires_quote=False)


def _opportunities(actor, deals: list[dict], users: dict, prices: dict, cost_ratio: Decimal, shift: timedelta,
                   result: LoadResult) -> None:
    pipeline = _pipeline(actor)
    reason = LostReason.objects.filter(code=UNSPECIFIED["code"]).first()
    if reason is None:
        reason = reference_item_create(actor=actor, model=LostReason, **UNSPECIFIED)

    def day(text: str) -> str:
        return (date.fromisoformat(text) + shift).isoformat() if text else ""

    rows = []
    for deal in deals:
        stage = deal["deal_stage"]
        agent = users[deal["sales_agent"]]
        value = Decimal(deal["close_value"]) if deal["close_value"] else None
        row = {
            "external_id": deal["opportunity_id"],
            "customer": account_key(deal["account"]) if deal["account"] else f"MAVEN-OPP-{deal['opportunity_id']}",
            "pipeline": pipeline.pk, "stage": "Prospecting" if stage == "Prospecting" else "Engaging",
            "status": {"Won": "won", "Lost": "lost"}.get(stage, "open"),
            "salesperson": agent.pk, "location": agent.location_id, "product": deal["product"],
            "created_at": day(deal["engage_date"]), "closed_at": day(deal["close_date"]),
        }
        if stage == "Won":
            row["amount"], row["cost"] = value, to_cents(value * cost_ratio)
        elif stage == "Lost":
            row["amount"], row["lost_reason"] = value, reason.pk
        else:
            row["amount"] = prices.get(product_match_key(deal["product"]))
        rows.append(row)
    lookups = Lookups(actor)
    for start in range(0, len(rows), BATCH):
        result.add("opportunities", opportunities_import(actor=actor, rows=rows[start:start + BATCH],
                                                         lookups=lookups, on_duplicate="skip"))


@transaction.atomic
def dataset_load(*, actor, name: str, directory: Path, cost_ratio: Decimal = Decimal("0.80"),
                 shift_days: int = 0) -> LoadResult:
    """Load a dataset's files through the services; `shift_days` moves every date (e.g. to bring the
    dataset's last close near today)."""
    if name not in DATASETS:
        raise ApplicationError(UNKNOWN_DATASET % {"name": name}, field="name")
    directory = Path(directory)
    teams = _read(directory, "sales_teams.csv")
    accounts = _read(directory, "accounts.csv")
    products = _read(directory, "products.csv")
    deals = _read(directory, "sales_pipeline.csv")
    result = LoadResult()
    users = _users(actor, teams, _locations(actor), result)
    _products(actor, products, result)
    _customers(actor, accounts, [d for d in deals if not d["account"]], result)
    prices = {product_match_key(p["product"]): Decimal(p["sales_price"]) for p in products}
    _opportunities(actor, deals, users, prices, Decimal(cost_ratio), timedelta(days=shift_days), result)
    return result

