"""Issue 23, part 7, through the API: every analytics answer as ?format=csv in the caller's language
(API.md: fr-CA « ; » and a decimal comma; Accept-Language: en gives « , » and a point) and as
?format=xlsx (numbers as numbers), with the figures the JSON gives."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from comptoir.customers.tests.factories import make_customer
from comptoir.sales.models import Opportunity
from comptoir.sales.tests.factories import make_opportunity, make_pipeline

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(admin, salesperson):
    pipeline = make_pipeline(admin)
    for status in ("won", "won", "lost"):
        deal = make_opportunity(salesperson, make_customer(salesperson), pipeline)
        Opportunity.objects.filter(pk=deal.pk).update(
            status=status, closed_at=timezone.now() - timedelta(days=1), amount=Decimal("1000.10"),
            cost=Decimal("800"), lost_reason_id=1 if status == "lost" else None)
    return pipeline


def _csv(response, delimiter):
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")),
                               delimiter=delimiter))


def test_the_conversion_csv_is_in_the_callers_language(make_api, manager, salesperson, closed):
    api = make_api(manager)

    french = _csv(api.get("/analytics/conversion", {"format": "csv"}), ";")
    english = _csv(api.client.get("/api/v1/analytics/conversion", {"format": "csv"}, HTTP_ACCEPT_LANGUAGE="en",
                                  **api.headers), ",")

    assert french[0]["Vendeur"] == "Total" and french[0]["Conversion (%)"] == "66,67"
    assert french[0]["Montant gagné"] == "2000,20" and french[0]["Jours pour conclure"] != ""
    assert french[1]["Vendeur"] == salesperson.display_name and french[1]["Gagnées"] == "2"
    assert english[0]["Conversion (%)"] == "66.67" and english[0]["Won"] == "2"


def test_the_conversion_xlsx_holds_the_jsons_figures_as_numbers(make_api, manager, closed):
    api = make_api(manager)

    body = api.get("/analytics/conversion").json()
    response = api.get("/analytics/conversion", {"format": "xlsx"})

    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
                .iter_rows(values_only=True))
    header, total = rows[0], dict(zip(rows[0], rows[1]))
    assert header[:3] == ("Vendeur", "Gagnées", "Perdues") and total["Vendeur"] == "Total"
    assert total["Gagnées"] == body["overall"]["won"] == 2
    assert float(total["Conversion (%)"]) == body["overall"]["conversion_pct"] == 66.67
    assert Decimal(str(total["Montant gagné"])) == Decimal(body["overall"]["won_amount"])


def test_the_funnel_export_has_its_reached_counts(make_api, manager, closed):
    rows = _csv(make_api(manager).get("/analytics/conversion", {"by": "stage", "format": "csv"}), ";")

    assert list(rows[0])[:3] == ["Étape (entonnoir)", "Ont atteint l'étape", "Ont atteint la suivante"]
    assert rows[1]["Ont atteint l'étape"] == "3"


def test_the_email_ratio_export_loses_no_point_at_the_target(make_api, manager, salesperson):
    for n in range(3):
        make_customer(salesperson, email=f"c{n}@courriel.ca")
    make_customer(salesperson)

    api = make_api(manager)
    answer = api.get("/analytics/email-ratio").json()
    rows = _csv(api.get("/analytics/email-ratio", {"format": "csv"}), ";")

    assert answer["by_salesperson"][0]["points_lost"] == 0
    assert (rows[1]["Ratio (%)"], rows[1]["Points perdus"]) == ("75,00", "0")


def test_the_plan_and_the_showroom_come_as_xlsx_too(make_api, manager, closed):
    api = make_api(manager)

    plan = api.get("/analytics/plan", {"target_sales": 3, "pipeline": closed.pk, "format": "xlsx"})
    showroom = api.get("/analytics/showroom", {"format": "xlsx"})

    for response in (plan, showroom):
        assert response.status_code == 200 and response["Content-Type"].startswith(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_an_unknown_format_is_a_422(make_api, manager):
    response = make_api(manager).get("/analytics/conversion", {"format": "ods"})

    assert response.status_code == 422 and set(response.json()) == {"detail", "errors"}
