"""The benchmark on the schema of today: it generates its data on a freshly migrated database, and every
figure of its table has a floor or says why not."""

import pytest
from django.conf import settings as django_settings

from comptoir.accounts.models import User
from comptoir.activities.models import Task
from comptoir.bench import customers, imports, opportunities, report
from comptoir.customers.models import Customer
from comptoir.sales.models import Opportunity


# VACUUM, which the generators run at the end, cannot run inside PostgreSQL's transaction.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_bench_generates_its_data_on_a_freshly_migrated_database():
    log = lambda line: None  # noqa: E731

    salespeople = opportunities.ensure_users(100, log)
    customers.ensure_customers(100, log, salespeople)
    opportunities.ensure_opportunities(100, salespeople, log)
    opportunities.ensure_tasks(100, salespeople, log)
    share = imports.run_database_share(200)

    # The columns the generators do not name hold their model default (language, competitor_note…).
    generated = User.objects.filter(username__startswith="bench.").exclude(username="bench.admin")
    assert generated.filter(language=django_settings.LANGUAGE_CODE).count() == generated.count() == 40
    assert Opportunity.objects.filter(number__startswith="BN-B-", competitor_note="").count() == 100
    assert Customer.objects.filter(external_id__startswith="DMS").count() == 100
    assert Customer.objects.filter(external_id__startswith="PART-").count() == share["rows"] == 200
    assert Task.objects.count() == 20


def test_a_figure_without_a_floor_must_say_why(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    explained = {"figure": "Maven dataset import", "value": 3.2, "unit": "s", "no_floor": "none: a fixed goal"}
    floored = {"figure": "conversion by source", "value": 12.0, "unit": "ms", "floor": 10.0,
               "floor_label": "hand SQL"}
    silent = {"figure": "deals export", "value": 3.0, "unit": "s"}

    report.write("explained", [explained, floored])
    with pytest.raises(ValueError, match="deals export"):
        report.write("silent", [floored, silent])

    lines = report.table([explained, floored])
    assert "none: a fixed goal" in lines[1] and "1.20×" in lines[2] and "hand SQL" in lines[2]
    assert (tmp_path / "bench" / "silent.json").exists()  # written all the same: a long run keeps its figures
