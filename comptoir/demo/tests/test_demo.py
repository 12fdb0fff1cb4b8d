"""The demo dealership: loaded through the services at a small scale, one load shared by the class
(rolled back after it), on a fixed day so its figures are the same whatever day the tests run."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, Q
from django.test import TestCase
from django.utils import timezone

from comptoir.accounts.models import Role, User
from comptoir.demo.services import DEMO_PASSWORD, demo_load, demo_logins
from comptoir.timeline.models import TimelineEvent

SCALE = 0.06
# A Thursday afternoon in May: the walk-ins of the day, the calls of the week.
NOW = datetime(2026, 5, 14, 15, 30, tzinfo=ZoneInfo("America/Toronto"))


class TestTheDemoDealership(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.result = demo_load(scale=SCALE, now=NOW)

    def test_the_dealer_has_its_identity_two_stores_and_its_team(self):
        from comptoir.core.selectors import site_settings_get

        site = site_settings_get()
        assert (site.dealer_trade_name, site.gst_number, site.qst_number) == (
            "Laurentides Sports & Auto", "784512963 RT0001", "1218459632 TQ0001")
        team = User.objects.values("role").annotate(n=Count("pk"))
        assert {row["role"]: row["n"] for row in team} == {
            Role.ADMIN: 1, Role.SALES_MANAGER: 2, Role.SALESPERSON: 11, Role.RECEPTION: 1}
        assert User.objects.filter(department__code="fi").count() == 1
        assert set(User.objects.exclude(location=None).values_list("location__name", flat=True)) == {
            "Saint-Jérôme", "Mont-Laurier"}
        assert not User.objects.filter(role=Role.SALESPERSON, manager=None).exists()

    def test_three_sales_processes_with_french_stages(self):
        from comptoir.sales.models import Pipeline

        pipelines = {p.name: (p.requires_quote, list(p.stages.values_list("name", flat=True)))
                     for p in Pipeline.objects.all()}
        assert pipelines["Véhicules neufs"] == (True, ["Nouveau", "Premier contact", "Rendez-vous", "Essai routier",
                                                        "Proposition", "Négociation", "Livraison"])
        assert pipelines["Véhicules d'occasion"][0] is True
        assert pipelines["Pièces et service"] == (False, ["Demande", "Estimation", "Rendez-vous atelier"])

    def test_every_won_deal_has_a_source_and_a_unit_or_a_product(self):
        from comptoir.sales.models import Opportunity

        won = Opportunity.objects.filter(status="won")
        assert won.count() > 20
        assert not won.filter(source=None).exists()
        assert not won.filter(Q(product="") & Q(unit=None)).exists()
        assert won.filter(unit__isnull=False).exists()
        assert not won.filter(Q(amount=None) | Q(cost=None) | Q(sale_date=None)).exists()

    def test_every_deal_and_lead_has_a_source_and_a_media(self):
        from comptoir.leads.models import Lead
        from comptoir.sales.models import Opportunity

        assert Opportunity.objects.count() > 100 and Lead.objects.count() > 20
        assert not Opportunity.objects.filter(Q(source=None) | Q(media=None)).exists()
        assert not Lead.objects.filter(Q(source=None) | Q(media=None)).exists()
        assert not Opportunity.objects.filter(status="lost", lost_reason=None).exists()

    def test_sales_in_quote_pipelines_went_through_an_accepted_variant_and_a_contract(self):
        from comptoir.quotes.models import Contract, QuoteVariant
        from comptoir.sales.models import Opportunity

        sales = Opportunity.objects.filter(status="won", pipeline__requires_quote=True)
        accepted = QuoteVariant.objects.filter(status="accepted", quote__opportunity__in=sales)
        assert accepted.count() == sales.count() == Contract.objects.filter(opportunity__in=sales).count()
        assert set(QuoteVariant.objects.values_list("name", flat=True)) == {"Comptant", "Financement"}
        trade_ins = Contract.objects.exclude(trade_in_description="")
        assert trade_ins.exists() and Contract.objects.filter(trade_in_description="").exists()
        assert not trade_ins.filter(Q(trade_in_vin="") | Q(allowance=0)).exists()

    def test_the_history_spans_eighteen_months_and_nothing_is_in_the_future(self):
        from comptoir.sales.models import Opportunity

        first = Opportunity.objects.order_by("created_at").first().created_at
        last_sale = Opportunity.objects.filter(status="won").order_by("-closed_at").first().closed_at
        assert NOW - first > timedelta(days=500)
        assert NOW - last_sale < timedelta(days=7)
        assert not Opportunity.objects.filter(Q(created_at__gt=NOW) | Q(closed_at__gt=NOW)).exists()
        assert not TimelineEvent.objects.filter(created_at__gt=NOW).exists()

    def test_customers_have_quebec_names_and_numbers_real_numbering_accepts(self):
        import phonenumbers

        from comptoir.customers.models import Customer, CustomerPhone

        phones = list(CustomerPhone.objects.values_list("number", "e164"))
        assert len(phones) > 100
        assert all(phonenumbers.is_valid_number(phonenumbers.parse(e164)) for _n, e164 in phones)
        assert {e164[2:5] for _n, e164 in phones} <= {"450", "514", "819", "418", "579", "438", "581", "873"}
        assert not [e164 for _n, e164 in phones if e164[5:8] == "555"]  # the fictional exchange
        assert all(number == f"({e164[2:5]}) {e164[5:8]}-{e164[8:]}" for number, e164 in phones)  # one format
        last_names = set(Customer.objects.values_list("last_name", flat=True))
        assert [n for n in last_names if "-" in n] and [n for n in last_names if set(n) & set("éèêëçîôû")]
        assert Customer.objects.exclude(company="").filter(tags__isnull=False).exists()

    def test_salespeople_email_ratios_fall_on_both_sides_of_the_target(self):
        from comptoir.customers.models import Customer

        rows = (Customer.objects.filter(channel="manual", created_by__role=Role.SALESPERSON)
                .values("created_by").annotate(n=Count("pk"), valid=Count("pk", filter=Q(email_status="valid"))))
        ratios = [Decimal(row["valid"]) / row["n"] for row in rows]
        assert len(ratios) == 10
        assert min(ratios) < Decimal("0.75") < max(ratios)
        statuses = set(Customer.objects.values_list("email_status", flat=True))
        assert statuses == {"valid", "invalid", "missing", "placeholder"}

    def test_conversion_varies_by_salesperson_and_by_source(self):
        from comptoir.sales.selectors import conversion_compute

        manager = User.objects.filter(role=Role.SALES_MANAGER).first()
        for by in ("salesperson", "source"):
            figures = conversion_compute(actor=manager, date_from=(NOW - timedelta(days=540)).date(),
                                         date_to=NOW.date(), by=by)
            rates = {g["label"]: g["conversion_pct"] for g in figures["groups"] if g["won"] + g["lost"] >= 5}
            assert len(rates) >= 5, by
            assert max(rates.values()) - min(rates.values()) > 15, (by, rates)

    def test_units_carry_valid_vins_new_and_used_some_sold_some_held(self):
        from comptoir.catalog.models import InventoryUnit
        from comptoir.catalog.vin import vin_check_digit

        units = InventoryUnit.objects.all()
        vins = [u.serial for u in units if len(u.serial) == 17]
        assert len(vins) > 0.8 * units.count()
        assert all(vin[8] == vin_check_digit(vin) for vin in vins)
        assert {u.condition for u in units} == {"new", "used"}
        assert not units.filter(condition="used", odometer_km=None).exclude(serial__regex=r"^.{12}$").exists()
        assert units.filter(status="sold").exists() and units.filter(opportunities__status="open").exists()

    def test_the_days_carry_calls_walk_ins_leads_and_emails(self):
        from comptoir.activities.models import Task
        from comptoir.leads.models import Lead
        from comptoir.messaging.models import Message
        from comptoir.walkins.models import StoreVisit

        assert Task.objects.filter(done_at=None, due_at__lt=NOW).exists()
        assert Task.objects.filter(done_at=None, due_at__gt=NOW).exists()
        # in the dealer's hours, in its time zone
        assert {timezone.localtime(t.due_at).hour for t in Task.objects.exclude(type__code="store_visit")} <= set(
            range(9, 18))
        assert StoreVisit.objects.exists()
        assert Lead.objects.filter(next_contact_at__gte=NOW).exists() and Lead.objects.filter(owner=None).exists()
        sent = Message.objects.filter(direction="out")
        assert sent.filter(status="sent", opened_at__isnull=False).exists()
        assert Message.objects.filter(direction="in").exists()
        assert not sent.filter(status="queued").exists()

    def test_every_demo_login_printed_works(self):
        logins = demo_logins()

        for username, password, _role in logins:
            assert User.objects.get(username=username).check_password(password)
        assert {role for _u, _p, role in logins} == {str(r.label) for r in Role}
        assert DEMO_PASSWORD == "comptoir-demo"

    def test_the_follow_up_template_previews_for_a_deal_in_three_languages(self):
        from comptoir.messaging.models import MessageTemplate
        from comptoir.messaging.services import messages_preview
        from comptoir.sales.models import Opportunity

        deal = Opportunity.objects.filter(pipeline__prefix="VN", customer__email_status="valid").first()
        languages = set()
        for template in MessageTemplate.objects.filter(name="Relance après essai"):
            preview = messages_preview(actor=deal.salesperson, target="opportunities", ids=[deal.pk],
                                       template_id=template.pk)
            assert preview["to_send"] == 1 and deal.product in preview["previews"][0]["subject"]
            languages.add(template.language)
        assert languages == {"fr-ca", "en", "pl"}


@pytest.mark.django_db
def test_two_loads_on_the_same_day_give_the_same_dealership():
    from comptoir.sales.models import Opportunity

    counts = []
    for _load in range(2):
        with transaction.atomic():
            result = demo_load(scale=0.02, now=NOW)
            counts.append((result.counts, Opportunity.objects.filter(status="won").count()))
            transaction.set_rollback(True)
    assert counts[0] == counts[1]
    assert counts[0][0]["customers"] > 0


@pytest.mark.django_db
def test_the_history_is_recorded_and_nothing_is_delivered(django_capture_on_commit_callbacks):
    from comptoir.messaging.models import Message

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        demo_load(scale=0.02, now=NOW)

    assert Message.objects.filter(direction="out", status="sent").exists()
    assert mail.outbox == [] and callbacks == []


@pytest.mark.django_db
def test_demo_loads_only_into_an_empty_database(capsys, monkeypatch):
    monkeypatch.setenv("DEMO_SCALE", "0.02")
    call_command("demo")
    users = User.objects.count()

    call_command("demo", "--if-empty")
    with pytest.raises(CommandError):
        call_command("demo")

    assert User.objects.count() == users
    assert "admin" in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.parametrize("option, environment", [(["--scale", "0"], None), ([], "beaucoup")])
def test_a_scale_that_is_not_a_positive_number_is_refused_and_nothing_loaded(option, environment, monkeypatch):
    from comptoir.demo.management.commands.demo import BAD_SCALE

    if environment:
        monkeypatch.setenv("DEMO_SCALE", environment)
    with pytest.raises(CommandError) as refused:
        call_command("demo", *option)

    assert str(refused.value) == str(BAD_SCALE)
    assert not User.objects.exists()
