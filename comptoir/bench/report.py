"""The benchmark's one table: each line a figure, its floor measured in the same run and the ratio to it,
and the goal. Every run writes its lines as JSON into var/bench/, and `comptoir bench-report` prints them
all (both databases, the imports too) as one table. A figure without a floor says why in `no_floor`."""

import json
from pathlib import Path

from django.conf import settings


def bench_dir() -> Path:
    path = Path(settings.VAR_DIR) / "bench"
    path.mkdir(parents=True, exist_ok=True)
    return path


def unexplained(rows: list[dict]) -> list[str]:
    """The figures that have no floor and do not say why: a ratio nobody can read."""
    return [row["figure"] for row in rows if row.get("floor") is None and not row.get("no_floor")]


def write(name: str, rows: list[dict]) -> Path:
    path = bench_dir() / f"{name}.json"
    path.write_text(json.dumps(rows, indent=2, default=str, ensure_ascii=False))
    if missing := unexplained(rows):  # after writing: a long run keeps its figures
        raise ValueError(f"no floor and no reason why (no_floor) for: {'; '.join(missing)} ({path})")
    return path


def _number(value, unit: str) -> str:
    if value is None:
        return ""
    if unit in ("rows/s", "req/s", "rows"):
        return f"{value:,.0f}"
    return f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"


def table(rows: list[dict]) -> list[str]:
    lines = [f"{'database':<11}{'figure':<58}{'value':>11} {'unit':<8}{'floor':>10}  {'floor is':<22}"
             f"{'ratio':>8}  {'goal':<22}{'met':>4}"]
    for row in rows:
        floor, value = row.get("floor"), row.get("value")
        ratio = f"{value / floor:.2f}×" if floor and value is not None else ""
        label = row.get("floor_label", "") if floor is not None else row.get("no_floor", "?")
        met = {True: "yes", False: "NO", None: ""}[row.get("meets")]
        lines.append(f"{row.get('database', ''):<11}{row['figure'][:57]:<58}{_number(value, row['unit']):>11} "
                     f"{row['unit']:<8}{_number(floor, row['unit']):>10}  {label[:21]:<22}"
                     f"{ratio:>8}  {row.get('goal', '')[:21]:<22}{met:>4}")
    return lines


def collected() -> list[dict]:
    rows = []
    for path in sorted(bench_dir().glob("*.json")):
        rows += json.loads(path.read_text())
    return rows
