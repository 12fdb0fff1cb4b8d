"""The deals export's benchmark (make bench) runs on a small database too: it makes its own won deals,
downloads them as CSV and XLSX through the page, and writes its lines with their floors. Nothing here
is timed (speed is make bench's); this only keeps the benchmark working as the code changes."""

import pytest

from comptoir.bench import exports, report
from comptoir.sales.models import Opportunity


@pytest.mark.django_db
def test_the_export_bench_measures_the_deals_export_beside_the_query_alone(settings, tmp_path):
    settings.VAR_DIR = tmp_path

    lines = exports.run(rows=40, runs=1, log=lambda line: None)
    report.write("exports-test", lines)  # refuses a figure without a floor

    assert Opportunity.objects.filter(number__startswith="BX-B-").count() == 40
    assert [line["figure"] for line in lines] == [
        "deals export, 40 rows (CSV)", "deals export, 40 rows (XLSX)",
        "deals export, 40 rows (CSV), peak Python memory", "deals export, 40 rows (XLSX), peak Python memory"]
    assert lines[0]["goal"] == "< 1 s" and lines[0]["floor_label"] == "the query alone"
    assert all(line["value"] > 0 for line in lines)
