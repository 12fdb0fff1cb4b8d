import pytest
from django.core.management import CommandError, call_command

from comptoir.accounts.models import Location, Role, User
from comptoir.demo.services import DEMO_PASSWORD, demo_load, demo_logins, read_csv

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _few_deals(monkeypatch):
    from comptoir.demo import services

    monkeypatch.setattr(services, "DEMO_DEALS", 300)


def test_demo_creates_every_maven_agent_and_manager_in_their_office():
    teams = read_csv("sales_teams.csv")

    demo_load()

    agents = User.objects.filter(role=Role.SALESPERSON)
    managers = User.objects.filter(role=Role.SALES_MANAGER)
    assert agents.count() == len({row["sales_agent"] for row in teams})
    assert managers.count() == len({row["manager"] for row in teams})
    assert set(Location.objects.values_list("name_en", flat=True)) == {"Central", "East", "West"}
    anna = User.objects.get(username="anna.snelling")
    assert (anna.location.name_en, anna.department.code) == ("Central", "sales")


def test_every_demo_login_printed_works():
    demo_load()

    for username, password, _role in demo_logins():
        assert User.objects.get(username=username).check_password(password)
    assert {role for _u, _p, role in demo_logins()} == {str(r.label) for r in Role}
    assert DEMO_PASSWORD == "comptoir-demo"


def test_demo_loads_only_into_an_empty_database(capsys):
    call_command("demo")
    users = User.objects.count()

    call_command("demo", "--if-empty")
    with pytest.raises(CommandError):
        call_command("demo")

    assert User.objects.count() == users
    assert "admin" in capsys.readouterr().out


def test_demo_loads_the_maven_accounts_as_company_customers_with_their_sector():
    from comptoir.customers.models import Customer

    demo_load()

    accounts = read_csv("accounts.csv")
    acme = Customer.objects.get(company="Acme Corporation")
    assert Customer.objects.filter(external_id__startswith="MAVEN-", company__in=[a["account"] for a in accounts]
                                   ).count() == len(accounts)
    assert (acme.industry, acme.details["year_established"], acme.channel) == ("technolgy", "1996", "import")


def test_demo_walk_ins_count_in_their_salespersons_email_ratio():
    from comptoir.customers.models import Customer

    demo_load()

    walk_ins = Customer.objects.filter(channel="manual")
    agents = User.objects.filter(role=Role.SALESPERSON).count()
    assert walk_ins.count() == 4 * agents
    assert walk_ins.filter(email_status="missing").count() == agents
    assert not walk_ins.filter(salesperson__isnull=True).exists()


def test_demo_deals_are_closed_as_the_dataset_says_and_dated_up_to_yesterday():
    from datetime import timedelta

    from django.utils import timezone

    from comptoir.sales.models import Opportunity

    demo_load()

    deals = Opportunity.objects.filter(pipeline__name="Maven")
    assert deals.count() == 300
    assert deals.filter(status="won", sale_date__isnull=False, amount__isnull=False).exists()
    assert not deals.filter(status="lost", lost_reason__isnull=True).exists()
    last = max(d.closed_at or d.created_at for d in deals.exclude(stage__name="Prospecting"))
    assert timezone.localtime(last).date() <= timezone.localdate() - timedelta(days=1)


def test_the_demo_showroom_has_quoted_deals_with_an_accepted_variant_and_a_contract():
    from comptoir.quotes.models import Contract, QuoteVariant

    demo_load()

    assert QuoteVariant.objects.filter(status="accepted").count() == Contract.objects.count() >= 1
    assert QuoteVariant.objects.filter(status="draft").exists()


def test_every_demo_salesperson_has_leads_to_call_and_tasks_one_of_them_overdue():
    from django.utils import timezone

    from comptoir.activities.models import Task
    from comptoir.leads.models import Lead

    demo_load()

    agents = User.objects.filter(role=Role.SALESPERSON).count()
    assert Lead.objects.filter(owner__role=Role.SALESPERSON).count() == 2 * agents
    assert Task.objects.filter(done_at__isnull=True, due_at__lt=timezone.now()).count() >= agents


def test_the_demo_follow_up_template_previews_for_a_showroom_deal_in_three_languages():
    from comptoir.messaging.models import MessageTemplate
    from comptoir.messaging.services import messages_preview
    from comptoir.sales.models import Opportunity

    demo_load()

    deal = Opportunity.objects.filter(pipeline__prefix="VN", customer__email_status="valid").exclude(product="").first()
    languages = set()
    for template in MessageTemplate.objects.filter(name="Relance après essai"):
        preview = messages_preview(actor=deal.salesperson, target="opportunities", ids=[deal.pk],
                                   template_id=template.pk)
        assert preview["to_send"] == 1 and deal.product in preview["previews"][0]["subject"]
        languages.add(template.language)
    assert languages == {"fr-ca", "en", "pl"}
