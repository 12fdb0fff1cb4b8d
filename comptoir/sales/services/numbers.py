"""Numbers: a deal's (prefix-year-sequence, one counter per pipeline and year, never reused) and
its papers' (the deal's number, a letter, a count)."""

from django.utils import timezone

from comptoir.sales.models import NumberCounter, Opportunity, Pipeline


def numbers_take(pipeline: Pipeline, year: int, count: int = 1) -> list[str]:
    """`count` numbers of the pipeline's series for `year`, never reused: the counter row is locked
    until the transaction ends, so concurrent creations queue on it instead of reading the same last
    number."""
    NumberCounter.objects.get_or_create(pipeline=pipeline, year=year)
    counter = NumberCounter.objects.select_for_update().get(pipeline=pipeline, year=year)
    first = counter.last + 1
    counter.last += count
    counter.save(update_fields=["last"])
    return [f"{pipeline.prefix}-{year}-{n:05d}" for n in range(first, first + count)]


def number_next(pipeline: Pipeline) -> str:
    """The next deal number of the pipeline, this year."""
    return numbers_take(pipeline, timezone.localdate().year)[0]


def paper_number(opportunity: Opportunity, model, suffix: str) -> str:
    """The next number of one of the deal's papers of `model` (a quote « VN-2026-00042-C2 », a
    contract « …-K1 »): the caller holds the deal's row lock, so two papers never draw the same."""
    count = model.objects.filter(opportunity=opportunity).count()
    while True:
        count += 1
        number = f"{opportunity.number}-{suffix}{count}"
        if not model.objects.filter(number=number).exists():
            return number
