"""The desk's benchmark runs and prints its figure beside its floor (issue 26)."""

import pytest

from comptoir.bench import desk
from comptoir.bench.report import unexplained

pytestmark = pytest.mark.django_db


def test_the_desk_bench_times_a_full_grid_beside_a_plain_quote():
    rows = desk.run(runs=2, log=lambda line: None)

    assert [row["unit"] for row in rows] == ["ms"] and not unexplained(rows)
    assert rows[0]["value"] > 0 and rows[0]["floor"] > 0
