"""The Maven CRM dataset, loaded through the imports, gives the figures one computes from its CSV by hand."""

import csv
from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import call_command

from comptoir.imports.datasets import MAVEN_DIR, dataset_load
from comptoir.sales.models import Opportunity

pytestmark = pytest.mark.django_db


def _csv(name):
    with open(MAVEN_DIR / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _expected(key_of) -> dict:
    """won, lost, conversion %, won amount and mean days to close per group, from the CSV alone."""
    groups = defaultdict(lambda: {"won": 0, "lost": 0, "won_amount": Decimal(0), "days": 0})
    for deal in _csv("sales_pipeline.csv"):
        if deal["deal_stage"] not in ("Won", "Lost"):
            continue
        group = groups[key_of(deal)]
        if deal["deal_stage"] == "Won":
            group["won"] += 1
            group["won_amount"] += Decimal(deal["close_value"])
            group["days"] += (date.fromisoformat(deal["close_date"]) - date.fromisoformat(deal["engage_date"])).days
        else:
            group["lost"] += 1
    return {
        key: {
            "won": g["won"], "lost": g["lost"],
            "conversion_pct": float((Decimal(g["won"] * 100) / (g["won"] + g["lost"])).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP)),
            "won_amount": g["won_amount"].quantize(Decimal("0.01")),
            "avg_days_to_close": (Decimal(g["days"]) / g["won"]).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            if g["won"] else None,
        }
        for key, g in groups.items()
    }


@pytest.fixture
def maven(admin):
    dataset_load(actor=admin, name="maven-crm", directory=MAVEN_DIR)
    return admin


def _figures(api, by):
    response = api.get("/analytics/conversion", {"from": "2016-01-01", "to": "2017-12-31", "by": by})
    assert response.status_code == 200, response.content
    body = response.json()
    fields = ("won", "lost", "conversion_pct", "won_amount", "avg_days_to_close")

    def pick(row):
        picked = {f: row[f] for f in fields}
        picked["won_amount"] = Decimal(picked["won_amount"])
        picked["avg_days_to_close"] = Decimal(picked["avg_days_to_close"]) if picked["avg_days_to_close"] else None
        return picked

    return pick(body["overall"]), {row["label"]: pick(row) for row in body["groups"] if row["won"] + row["lost"]}


def test_maven_overall_conversion_is_the_csvs(maven, make_api):
    overall, _groups = _figures(make_api(maven), "salesperson")

    assert (overall["won"], overall["lost"], overall["conversion_pct"]) == (4238, 2473, 63.15)
    assert overall == _expected(lambda deal: "all")["all"]


@pytest.mark.parametrize("by", ["salesperson", "manager", "location", "product", "month"])
def test_maven_conversion_by_dimension_is_the_csvs(maven, make_api, by):
    teams = {row["sales_agent"]: row for row in _csv("sales_teams.csv")}
    offices = {"Central": "Centre", "East": "Est", "West": "Ouest"}
    products = {p["product"].replace(" ", "").lower(): p["product"] for p in _csv("products.csv")}
    key_of = {
        "salesperson": lambda deal: deal["sales_agent"],
        "manager": lambda deal: teams[deal["sales_agent"]]["manager"],
        "location": lambda deal: offices[teams[deal["sales_agent"]]["regional_office"]],
        "product": lambda deal: products[deal["product"].replace(" ", "").lower()],
        "month": lambda deal: deal["close_date"][:7],
    }[by]

    _overall, groups = _figures(make_api(maven), by)

    assert groups == _expected(key_of)


def test_loading_maven_twice_changes_nothing(maven):
    before = (Opportunity.objects.count(), list(Opportunity.objects.order_by("pk").values_list("number", "status")))

    result = dataset_load(actor=maven, name="maven-crm", directory=MAVEN_DIR)

    assert all(counts["created"] == 0 and counts["skipped"] > 0 for counts in result.counts.values())
    assert (Opportunity.objects.count(), list(Opportunity.objects.order_by("pk").values_list("number", "status"))) \
        == before


def test_maven_rows_without_account_get_a_customer_each_and_product_names_match_the_catalogue(maven):
    orphans = [d for d in _csv("sales_pipeline.csv") if not d["account"]]

    opportunities = Opportunity.objects.filter(external_id__in=[d["opportunity_id"] for d in orphans])

    assert opportunities.values("customer").distinct().count() == len(orphans)
    assert not Opportunity.objects.filter(product="GTXPro").exists()
    assert Opportunity.objects.filter(product="GTX Pro").count() == sum(
        1 for d in _csv("sales_pipeline.csv") if d["product"].replace(" ", "") == "GTXPro")


def test_import_dataset_command_prints_what_it_loaded(admin, capsys):
    call_command("import-dataset", "maven-crm", str(MAVEN_DIR))

    out = capsys.readouterr().out
    assert "opportunities" in out and "8800" in out
