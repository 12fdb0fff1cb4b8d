"""Opportunities a person may see: lists, the board's cards and strip, one deal (DESIGN: visibility)."""

from datetime import date

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum, Value

from comptoir.accounts.models import User
from comptoir.core import cards, permissions
from comptoir.core.exceptions import NotFound
from comptoir.core.figures import month_bounds, percentage, period_bounds
from comptoir.core.models import Competitor, LostReason
from comptoir.core.selectors import reference_entries, reference_label, reports_db
from comptoir.customers.models import Customer
from comptoir.customers.selectors import customer_search_q, email_ratio_compute
from comptoir.sales.models import Opportunity, OpportunityContact, Pipeline, StageChange, Status


def pipeline_default() -> Pipeline | None:
    """The sales process a page opens on when none is chosen: the first active one an admin created
    (a dealership sets up its main process first, « Véhicules neufs » before « Pièces et service »),
    whatever the names' alphabetical order."""
    return Pipeline.objects.filter(active=True).order_by("pk").first()


def opportunity_visible(actor) -> QuerySet:
    """A salesperson sees the opportunities they own or are assigned to; managers, reception, admin all."""
    if permissions.can_see_team(actor) or permissions.can_see_all_customers(actor):
        return Opportunity.objects.all()
    assigned = Opportunity.assignees.through.objects.filter(user_id=actor.pk).values("opportunity_id")
    return Opportunity.objects.filter(Q(salesperson=actor) | Q(pk__in=assigned))


def _with_relations(queryset: QuerySet, *, case_card: bool = True) -> QuerySet:
    # PostgreSQL plans a join of nine tables in ~20 ms, ten times what it takes to run it on a million
    # rows: the big relations are joined, the short reference lists fetched by id beside (one query each).
    queryset = queryset.select_related("customer", "pipeline", "stage", "salesperson").prefetch_related(
        "source", "media", "location", "lost_reason")
    if not case_card:  # the board shows none of the case card's lists
        return queryset
    # Since when the deal sits at its stage: the case card's « jours à l'étape ».
    arrived = StageChange.objects.filter(opportunity=OuterRef("pk"), to_stage=OuterRef("stage")).order_by(
        "-changed_at").values("changed_at")[:1]
    return queryset.prefetch_related("assignees", "competitors", "contacts").annotate(stage_since=Subquery(arrived))


def opportunity_list(*, actor, customer=None, salesperson=None, status=None, pipeline=None, stage=None,
                     q: str | None = None, decision_from: date | None = None, decision_to: date | None = None,
                     competitor=None, case_card: bool = True) -> QuerySet:
    queryset = _filtered(opportunity_visible(actor), customer=customer, salesperson=salesperson, status=status,
                         pipeline=pipeline, stage=stage, q=q, decision_from=decision_from, decision_to=decision_to,
                         competitor=competitor)
    return _with_relations(queryset, case_card=case_card).order_by(*LIST_ORDER)


def _filtered(queryset: QuerySet, *, customer=None, salesperson=None, status=None, pipeline=None, stage=None,
              q: str | None = None, decision_from: date | None = None, decision_to: date | None = None,
              competitor=None) -> QuerySet:
    for field, value in (("customer_id", customer), ("salesperson_id", salesperson), ("status", status),
                         ("pipeline_id", pipeline), ("stage_id", stage),
                         ("expected_decision_date__gte", decision_from),
                         ("expected_decision_date__lte", decision_to)):
        if value is not None:
            queryset = queryset.filter(**{field: value})
    if competitor is not None:
        queryset = queryset.filter(pk__in=Opportunity.competitors.through.objects.filter(
            competitor_id=competitor).values("opportunity_id"))
    if q and q.strip():
        text = q.strip()[:100]
        customers = Customer.objects.filter(customer_search_q(text)).values("pk")
        queryset = queryset.filter(Q(number__startswith=text.upper()) | Q(customer_id__in=customers))
    return queryset


# Issue 25: the API's answers are built from plain rows, not models. A page is read as the ids of the page
# (from the list's order index alone, deep pages included), then those rows with the names they show
# joined, then the assignees and competitors of the page in one query and its contacts in another; the
# list entries' names come from the cached lists. Five queries at most whatever the page's size or depth.
LIST_ORDER = ("-created_at", "-pk")
ROW_FIELDS = ("id", "number", "customer_id", "pipeline_id", "stage_id", "status", "amount", "cost", "currency",
              "salesperson_id", "product", "inventory_unit", "unit_id", "source_id", "media_id", "location_id",
              "excluded", "lost_reason_id", "sale_date", "expected_decision_date", "probability", "competitor_note",
              "created_at", "closed_at", "version", "quote_accepted_at")
_JOINED = {"customer__first_name": "first", "customer__last_name": "last", "customer__company": "company",
           "stage__name": "stage_name", "pipeline__requires_quote": "requires_quote"}


def _stage_since() -> Subquery:
    # Since when the deal sits at its stage: the case card's « jours à l'étape ».
    return Subquery(StageChange.objects.filter(opportunity=OuterRef("pk"), to_stage=OuterRef("stage")).order_by(
        "-changed_at").values("changed_at")[:1])


def opportunity_rows(queryset: QuerySet) -> list[dict]:
    """The deals of `queryset` (already narrowed to a page, in its order) as the API shows them: plain
    dicts with the ids, names and lists of OpportunityOut. Three queries whatever their number."""
    rows = list(queryset.values(*ROW_FIELDS, *_JOINED).annotate(stage_since=_stage_since()))
    ids = [row["id"] for row in rows]
    people, rivals, contacts = ({pk: [] for pk in ids} for _ in range(3))
    if ids:
        # Assignees (by name) and competitors (in their list's order) in one statement.
        assigned = Opportunity.assignees.through.objects.filter(opportunity_id__in=ids).annotate(
            kind=Value("a"), ref=F("user_id"), s1=F("user__last_name"), s2=F("user__first_name"),
            s3=F("user__username")).values_list("opportunity_id", "kind", "ref", "s1", "s2", "s3").order_by()
        against = Opportunity.competitors.through.objects.filter(opportunity_id__in=ids).annotate(
            kind=Value("c"), ref=F("competitor_id"), s1=Value(""), s2=Value(""), s3=Value("")).values_list(
            "opportunity_id", "kind", "ref", "s1", "s2", "s3").order_by()
        order = {pk: index for index, pk in enumerate(reference_entries(Competitor))}
        # The models' orders: assignees by last name, first name, username; competitors as their list.
        links = sorted(assigned.union(against, all=True),
                       key=lambda link: (link[1], link[3], link[4], link[5], link[2]) if link[1] == "a"
                       else (link[1], order.get(link[2], len(order)), link[2]))
        for opportunity_id, kind, ref, *_names in links:
            (people if kind == "a" else rivals)[opportunity_id].append(ref)
        for contact in OpportunityContact.objects.filter(opportunity_id__in=ids).order_by(
                "opportunity_id", "position", "pk").values("opportunity_id", "name", "role", "phone", "email"):
            contacts[contact.pop("opportunity_id")].append(contact)
    for row in rows:  # the page's rows (500 at most): naming what was read, nothing counted
        first, last, company = row.pop("customer__first_name"), row.pop("customer__last_name"), \
            row.pop("customer__company")
        row["customer_name"] = f"{first} {last}".strip() or company or f"#{row['customer_id']}"
        row["stage_name"] = row.pop("stage__name")
        # Issue 23 (services.opportunity_figures_from_quote): amount and cost are the accepted variant's.
        row["amount_locked"] = bool(row.pop("pipeline__requires_quote") and row["quote_accepted_at"] is not None)
        row["lost_reason_name"] = reference_label(LostReason, row["lost_reason_id"])
        row["assignees"], row["competitors"], row["contacts"] = people[row["id"]], rivals[row["id"]], \
            contacts[row["id"]]
    return rows


class OpportunityPage:
    """A list of deals as ninja's pagination reads it: `count()` over the filtered deals (exact, on the
    deals' table alone), a slice answered as opportunity_rows of that page. The page's ids come first
    from the list's order index, so a deep page costs what the first one does."""

    DEEP = 5000  # past this offset, the page's place from the end is worth knowing

    def __init__(self, queryset: QuerySet):
        self.queryset = queryset.order_by(*LIST_ORDER)
        self._count = None

    def all(self):
        return self

    def count(self) -> int:
        if self._count is None:
            self._count = self.queryset.order_by().count()
        return self._count

    def __getitem__(self, page: slice) -> list[dict]:
        start, stop = page.start or 0, page.stop
        ids = self.queryset.values("pk")[page]
        if start > self.DEEP and stop is not None and start > self.count() // 2:
            # A page past the middle is read from the oldest end of the same index: the last page costs what
            # the first does. The count is the one the answer gives (read once).
            total = self.count()
            ids = self.queryset.order_by(*(order.lstrip("-") for order in LIST_ORDER)).values("pk")[
                max(0, total - stop):max(0, total - start)]
        return opportunity_rows(Opportunity.objects.filter(pk__in=ids).order_by(*LIST_ORDER))


def opportunity_page(*, actor, **filters) -> OpportunityPage:
    """opportunity_list's deals (same filters, same visibility, same order), for the API's list."""
    return OpportunityPage(_filtered(opportunity_visible(actor), **filters))


def opportunity_row(*, actor, pk) -> dict:
    """One deal as the API shows it (opportunity_rows), if the actor may see it."""
    rows = opportunity_rows(opportunity_visible(actor).filter(pk=pk))
    if not rows:
        raise NotFound()
    return rows[0]


def _board_filter(queryset: QuerySet, *, source=None, location=None, created_from: date | None = None,
                  created_to: date | None = None) -> QuerySet:
    for field, value in (("source_id", source), ("location_id", location)):
        if value is not None:
            queryset = queryset.filter(**{field: value})
    if created_from is not None:
        queryset = queryset.filter(created_at__gte=period_bounds(created_from, created_from)[0])
    if created_to is not None:
        queryset = queryset.filter(created_at__lt=period_bounds(created_to, created_to)[1])
    return queryset


def board_cards(*, actor, pipeline, salesperson=None, status=None, source=None, location=None,
                created_from: date | None = None, created_to: date | None = None) -> QuerySet:
    """The sales board's cards: the opportunity list, with what the apps above add to each card in the
    same query (core.cards.annotations: activities' next open task, its due date and title)."""
    queryset = opportunity_list(actor=actor, pipeline=pipeline, status=status, salesperson=salesperson,
                                case_card=False)
    queryset = _board_filter(queryset, source=source, location=location, created_from=created_from,
                             created_to=created_to)
    # The next open task (due date, title) is activities', registered in core.cards: same query.
    return queryset.annotate(**cards.annotations(Opportunity._meta.label))


def board_column_figures(*, actor, pipeline, salesperson=None, status=None, source=None, location=None,
                         created_from: date | None = None, created_to: date | None = None) -> dict[int, dict]:
    """Each column's head: how many deals the board's filters keep at each stage and their total amount
    per currency, {stage_id: {"count": n, "totals": [(currency, amount), …]}}. One query grouped by
    stage over the same filters as board_cards, so the figures stay true when the board shows only the
    most recent cards."""
    queryset = opportunity_list(actor=actor, pipeline=pipeline, status=status, salesperson=salesperson,
                                case_card=False)
    queryset = _board_filter(queryset, source=source, location=location, created_from=created_from,
                             created_to=created_to)
    rows = (queryset.order_by().values("stage_id", "currency")
            .annotate(count=Count("pk"), total=Sum("amount")).order_by("stage_id", "currency"))
    figures: dict[int, dict] = {}
    for row in rows:  # one line per stage and currency (one currency nearly always)
        column = figures.setdefault(row["stage_id"], {"count": 0, "totals": []})
        column["count"] += row["count"]
        if row["total"] is not None:
            column["totals"].append((row["currency"], row["total"]))
    return figures


def board_team_figures(*, actor, year: int, month: int, salesperson=None) -> list[dict]:
    """The board's strip, one entry per salesperson for a calendar month: opportunities created,
    sales, closing rate (won / (won + lost) closed in the month), email ratio and points lost.
    One grouped query on opportunities, the email ratio's own, and the people."""
    start, end = month_bounds(year, month)
    scope = opportunity_visible(actor).using(reports_db()).filter(excluded=False, salesperson__isnull=False)
    if not permissions.can_see_team(actor):
        salesperson = actor.pk
    if salesperson is not None:
        scope = scope.filter(salesperson=salesperson)
    created = Q(created_at__gte=start, created_at__lt=end)
    closed = Q(closed_at__gte=start, closed_at__lt=end)
    rows = (scope.filter(created | closed).values("salesperson")
            .annotate(created=Count("pk", filter=created), won=Count("pk", filter=closed & Q(status=Status.WON)),
                      lost=Count("pk", filter=closed & Q(status=Status.LOST)))
            .order_by())
    figures = {row["salesperson"]: row for row in rows}
    ratios = {row["user"]: row for row in email_ratio_compute(year=year, month=month, actor=actor)["by_salesperson"]
              if salesperson is None or row["user"] == salesperson}
    people = User.objects.filter(pk__in=set(figures) | set(ratios)).order_by("last_name", "first_name", "pk")
    strip = []
    for person in people:  # one entry per person, every figure already aggregated in SQL
        row = figures.get(person.pk, {"created": 0, "won": 0, "lost": 0})
        ratio = ratios.get(person.pk, {})
        strip.append({"person": person, "created": row["created"], "won": row["won"],
                      "closing_pct": percentage(row["won"], row["won"] + row["lost"]),
                      "email_ratio_pct": ratio.get("ratio_pct"), "points_lost": ratio.get("points_lost", 0)})
    return strip


# The board's team table sorts by any of its columns (?sort=won, ?sort=-won); a figure nobody has (no
# closed deal, no customer created) sorts last both ways, and a tie keeps the names' order.
STRIP_SORTS = {
    "name": lambda row: (row["person"].last_name.lower(), row["person"].first_name.lower(), row["person"].pk),
    "created": lambda row: row["created"],
    "won": lambda row: row["won"],
    "closing": lambda row: row["closing_pct"],
    "email": lambda row: row["email_ratio_pct"],
    "points": lambda row: row["points_lost"],
}
STRIP_DEFAULT_SORT = "-won"  # the month's best sellers first
STRIP_TOP = 5


def team_rows_sorted(rows: list[dict], sort: str, *, sorts: dict = STRIP_SORTS,
                     default: str = STRIP_DEFAULT_SORT) -> tuple[list[dict], str]:
    """A team table's rows (one per person, already aggregated: sorting, not figuring) by `sort`, a
    `sorts` key, « - » first for the largest first (an unknown one is `default`): rows without that
    figure last both ways, ties in the names' order. Answers the rows and the sort applied."""
    if sort.lstrip("-") not in sorts:
        sort = default
    key, descending = sorts[sort.lstrip("-")], sort.startswith("-")
    by_name = sorted(rows, key=sorts["name"])
    known = sorted((row for row in by_name if key(row) is not None), key=key, reverse=descending)
    return known + [row for row in by_name if key(row) is None], sort


def board_team_strip(*, actor, year: int, month: int, salesperson=None, sort: str = STRIP_DEFAULT_SORT,
                     everyone: bool = False) -> dict:
    """The board's team table: board_team_figures sorted by `sort` (a STRIP_SORTS key, « - » first for
    the largest first; an unknown one is the default), the first STRIP_TOP only unless `everyone`.
    {"rows", "sort", "count": the team's size, "more": whether rows were left out}."""
    rows, sort = team_rows_sorted(board_team_figures(actor=actor, year=year, month=month, salesperson=salesperson),
                                  sort)
    shown = rows if everyone else rows[:STRIP_TOP]
    return {"rows": shown, "sort": sort, "count": len(rows), "more": len(shown) < len(rows)}


def opportunity_get(*, actor, pk) -> Opportunity:
    opportunity = _with_relations(opportunity_visible(actor)).filter(pk=pk).first()
    if opportunity is None:
        raise NotFound()
    return opportunity
