"""Reads on customers: visibility, search, duplicates, the email ratio."""

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal

import phonenumbers
from django.db import connection
from django.db.models import (
    Case, Count, ExpressionWrapper, F, IntegerField, Prefetch, Q, QuerySet, Sum, Value, When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Concat, NullIf, Trim, TruncMonth
from django.utils import timezone
from rapidfuzz import fuzz

from comptoir.core import permissions
from comptoir.core.exceptions import ApplicationError, NotFound
from comptoir.core.figures import PERIOD_BACKWARDS, month_bounds, percentage, period_bounds
from comptoir.core.models import Media, Source, Tag
from comptoir.core.selectors import reference_entries, reference_label, reference_resolve, reports_db, site_settings_get
from comptoir.core.text import digits, is_small_id, normalize, prefix_upper_bound, words
from comptoir.customers.models import (
    Channel,
    Customer,
    CustomerEmail,
    CustomerPhone,
    CustomerSearchToken,
    EmailStatus,
    phone_display,
)

PHONE_LIKE = re.compile(r"^[\d\s()+.\-]+$")
MIN_PHONE_TAIL = 4
FUZZY_NAME_RATIO = 90
MAX_FUZZY_CANDIDATES = 500
MAX_QUERY_WORDS = 5
MIN_CONTAINS = 3
SELECTIVITY_PROBE = 1000
# DESIGN (duplicates): phone and email are sure, the name (with the postal code or the phone's tail) possible.
SURE_REASONS = ("phone", "email")
REASON_ORDER = {"phone": 0, "email": 1, "name": 2}
# An address someone has: a placeholder is nobody's, a missing one is none (a bounced one is still theirs).
OWNED_EMAIL_STATUSES = (EmailStatus.VALID, EmailStatus.INVALID)
NOBODY = "none"  # the salesperson filter's value for customers nobody owns


def prefix_q(field: str, prefix: str, *, alphanumeric: bool = False) -> Q:
    """`field` starts with `prefix`, in the form the database answers from an index.

    A range on the plain B-tree index, which can also answer from the index alone. Except on
    PostgreSQL for values with punctuation (emails): a language collation orders punctuation
    unlike bytes, so there it is LIKE 'prefix%' on a pattern_ops index. SQLite's LIKE ignores
    case and cannot use a BINARY index, so SQLite always takes the range.
    """
    if connection.vendor == "postgresql" and not alphanumeric:
        return Q(**{f"{field}__startswith": prefix})
    bound = prefix_upper_bound(prefix)
    return Q(**{f"{field}__gte": prefix}) & (Q(**{f"{field}__lt": bound}) if bound else Q())


def customer_visible(actor) -> QuerySet:
    """The one visibility rule every list, detail, search and export goes through."""
    queryset = Customer.objects.filter(merged_into__isnull=True)
    if permissions.can_see_all_customers(actor):
        return queryset
    return queryset.filter(Q(salesperson=actor) | Q(salesperson__isnull=True))


def _with_relations(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("source", "media", "salesperson", "created_by").prefetch_related(
        Prefetch("phones", queryset=CustomerPhone.objects.order_by("position", "pk")), "tags"
    )


def _word_tokens(word: str) -> QuerySet:
    return CustomerSearchToken.objects.filter(prefix_q("token", word, alphanumeric=True))


def _name_ids(name_words: list[str]) -> list[QuerySet]:
    """Ids whose every word starts a word of the name or company.

    Each word's customers are probed from the (token, customer) index, at most
    SELECTIVITY_PROBE of them. When the rarest word's set is complete, the other words are
    checked among those candidates only (in memory when their own probe is complete too),
    and the answer is a short list of ids no planner can misjudge: a common first name
    ("marie") costs nothing when the last name is rare. When every word is common, the
    answer is the intersection of their index ranges.

    A word that starts no word of any name is looked for inside the names ("blay" in
    "tremblay"): through the pg_trgm index on PostgreSQL, by a scan on SQLite (only then).
    """
    sources = {}
    for word in name_words:
        tokens = _word_tokens(word)
        probe = list(tokens.values_list("customer_id", flat=True)[:SELECTIVITY_PROBE])
        if not probe and len(word) >= MIN_CONTAINS:
            tokens = Customer.objects.filter(search_name__contains=word).annotate(customer_id=F("pk"))
            probe = list(tokens.values_list("pk", flat=True)[:SELECTIVITY_PROBE])
        sources[word] = (tokens, probe)
    rarest, *others = sorted(name_words, key=lambda word: (len(sources[word][1]), -len(word)))
    if len(sources[rarest][1]) < SELECTIVITY_PROBE:
        candidates = set(sources[rarest][1])
        common = [word for word in others if len(sources[word][1]) >= SELECTIVITY_PROBE]
        for word in others:
            if word not in common:
                candidates &= set(sources[word][1])
        if common and candidates:
            # The candidates' own words, through the customer index: at most a few per candidate.
            names: dict[int, list[str]] = {}
            for pk, token in CustomerSearchToken.objects.filter(customer_id__in=candidates).values_list(
                    "customer_id", "token"):
                names.setdefault(pk, []).append(token)
            candidates = {pk for pk in candidates
                          if all(any(t.startswith(word) for t in names.get(pk, ())) for word in common)}
        return [Customer.objects.filter(pk__in=sorted(candidates)).values("pk")]
    first, *rest = [tokens.values("customer_id").order_by() for tokens, _probe in sources.values()]
    return [first.intersection(*rest) if rest else first]


def customer_search_q(q: str) -> Q:
    """DESIGN: by first or last name or company (accent-insensitive, prefix and contains), internal
    ID, external DMS ID, any phone format or its last digits, and email.

    Each way of matching is its own index-driven query and the union of their ids is the
    answer: an OR across tables would make the database scan every customer.
    """
    text = q.replace("\x00", "").strip()[:100]
    number = digits(text)
    sources = [Customer.objects.filter(external_id=text).values("pk")]
    if is_small_id(text):
        sources.append(Customer.objects.filter(pk=int(text)).values("pk"))
    if "@" in text:
        sources.append(Customer.objects.filter(prefix_q("email", text.lower())).values("pk"))
        # The other addresses a merge kept find their customer too.
        sources.append(CustomerEmail.objects.filter(prefix_q("email", text.lower())).values("customer_id"))
    elif PHONE_LIKE.match(text) and len(number) >= MIN_PHONE_TAIL:
        sources.append(CustomerPhone.objects.filter(prefix_q("digits_reversed", number[::-1], alphanumeric=True)).values("customer_id"))
        try:
            parsed = phonenumbers.parse(text, site_settings_get().default_phone_region)
            e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
            sources.append(CustomerPhone.objects.filter(e164=e164).values("customer_id"))
        except phonenumbers.NumberParseException:
            pass
    else:
        name_words = list(dict.fromkeys(words(text)))[:MAX_QUERY_WORDS]
        if name_words:
            sources.extend(_name_ids(name_words))
    first, *rest = [source.order_by() for source in sources]
    return Q(pk__in=first.union(*rest) if rest else first)


@dataclass(frozen=True)
class CustomerFilters:
    """The customer list's filters, the same for the page, the API, the counts and the exports.

    `salesperson` is a user id or NOBODY; `tags` keeps the customers having every tag named (ids or
    names); `created_from` / `created_to` are days in the dealership's time zone, both included."""

    q: str | None = None
    salesperson: int | str | None = None
    source: int | str | None = None
    media: int | str | None = None
    email_status: str | None = None
    created_from: date | None = None
    created_to: date | None = None
    tags: tuple = ()
    unsubscribed: bool | None = None

    def active(self) -> bool:
        return any(getattr(self, f.name) not in (None, "", ()) for f in fields(self) if f.name != "q")


FACETS = ("salesperson", "source", "media", "email_status", "tags", "unsubscribed")
_FACET_EMPTY = {"salesperson": None, "source": None, "media": None, "email_status": None, "tags": (),
                "unsubscribed": None}


def _through_ids(tag: Tag) -> QuerySet:
    return Customer.tags.through.objects.filter(tag_id=tag.pk).values("customer_id")


def _resolved(filters: CustomerFilters) -> tuple[CustomerFilters, Q | None]:
    """The filters with their list entries read once (an id or an exact name → the entry), and the
    search's condition (its index probes run once). An entry named that does not exist is a 422 on its
    filter, never an empty list that looks like an answer; a period that ends before it starts too."""
    if filters.created_from and filters.created_to and filters.created_from > filters.created_to:
        raise ApplicationError(PERIOD_BACKWARDS, field="created_from")
    entries = {}
    for model, name in ((Source, "source"), (Media, "media")):
        value = getattr(filters, name)
        if value in (None, ""):
            entries[name] = None  # an empty filter keeps everyone
        elif not isinstance(value, model):
            entries[name] = reference_resolve(model, value, field=name)
    tags = tuple(dict.fromkeys(filters.tags))
    entries["tags"] = tuple(value if isinstance(value, Tag) else reference_resolve(
        Tag, value, field=f"tag.{index}" if len(tags) > 1 else "tag") for index, value in enumerate(tags))
    search = customer_search_q(filters.q) if filters.q and filters.q.strip() else None
    return replace(filters, **entries), search


def _filtered(actor, filters: CustomerFilters, search: Q | None) -> QuerySet:
    """The visible customers the filters, resolved, keep."""
    queryset = customer_visible(actor)
    if search is not None:
        queryset = queryset.filter(search)
    if filters.salesperson == NOBODY:
        queryset = queryset.filter(salesperson__isnull=True)
    elif filters.salesperson is not None:
        queryset = queryset.filter(salesperson_id=filters.salesperson)
    if filters.source is not None:
        queryset = queryset.filter(source_id=filters.source.pk)
    if filters.media is not None:
        queryset = queryset.filter(media_id=filters.media.pk)
    if filters.email_status:
        queryset = queryset.filter(email_status=filters.email_status)
    if filters.created_from:
        queryset = queryset.filter(created_at__gte=period_bounds(filters.created_from, filters.created_from)[0])
    if filters.created_to:
        queryset = queryset.filter(created_at__lt=period_bounds(filters.created_to, filters.created_to)[1])
    for tag in filters.tags:
        # One subquery per tag through the (tag, customer) index: each tag narrows, and no row is doubled.
        queryset = queryset.filter(pk__in=_through_ids(tag))
    if filters.unsubscribed is not None:
        queryset = queryset.filter(unsubscribed=filters.unsubscribed)
    return queryset


def customer_list(*, actor, q: str | None = None, filters: CustomerFilters | None = None) -> QuerySet:
    """The customers the actor may see, filtered (`q` alone: a search), by name: phones, tags and the
    related names come in a fixed number of queries whatever the page's size."""
    if filters is None:
        filters = CustomerFilters(q=q)
    return _with_relations(_filtered(actor, *_resolved(filters))).order_by("last_name", "first_name", "pk")


# Issue 25: the API's customers are plain rows, not models: the page (or the card) with its owner's name
# joined, then its phones and tags in one query; the list entries' names from the cached lists. A list
# page is three queries (count, page, phones with tags), the card two (its sure duplicates counted in the
# same statement as its row).
ROW_FIELDS = ("id", "first_name", "last_name", "company", "address_line1", "address_line2", "city", "province",
              "postal_code", "country", "industry", "market_segment", "territory", "website", "external_id",
              "email", "email_status", "source_id", "media_id", "salesperson_id", "created_by_id", "channel",
              "unsubscribed", "details", "points_lost", "version", "created_at", "updated_at")
_OWNER = ("salesperson__first_name", "salesperson__last_name", "salesperson__username")
TAG_KIND = "#tag"  # no phone kind: tells the tags from the phones in their shared query


def customer_rows(queryset: QuerySet, *, annotations: tuple = ()) -> list[dict]:
    """The customers of `queryset` (already narrowed to a page, in its order) as the API shows them:
    plain dicts with CustomerOut's names (and the `annotations` named). Two queries whatever their number."""
    rows = list(queryset.values(*ROW_FIELDS, *_OWNER, *annotations))
    ids = [row["id"] for row in rows]
    phones, tags = {pk: [] for pk in ids}, {pk: [] for pk in ids}
    if ids:
        numbers = CustomerPhone.objects.filter(customer_id__in=ids).values_list(
            "customer_id", "kind", "number", "e164", "extension", "position", "pk").order_by()
        tagged = Customer.tags.through.objects.filter(customer_id__in=ids).annotate(
            t_kind=Value(TAG_KIND), t_number=Value(""), t_e164=Value(""), t_extension=Value(""), t_position=Value(0),
            ref=F("tag_id")).values_list("customer_id", "t_kind", "t_number", "t_e164", "t_extension", "t_position",
                                         "ref").order_by()
        entries = reference_entries(Tag)
        order = {pk: index for index, pk in enumerate(entries)}
        # The models' orders: phones by position, tags as their list.
        for customer_id, kind, number, e164, extension, _position, ref in sorted(
                numbers.union(tagged, all=True), key=lambda link: (link[1] == TAG_KIND, order.get(link[6], 0)
                                                                   if link[1] == TAG_KIND else link[5], link[6])):
            if kind == TAG_KIND:
                if ref in entries:
                    tags[customer_id].append(entries[ref].label)
            else:
                phones[customer_id].append({"kind": kind, "number": number, "e164": e164, "extension": extension})
    for row in rows:  # the page's rows (500 at most): naming what was read, nothing counted
        first, last, username = (row.pop(field) for field in _OWNER)
        row["display_name"] = f"{row['first_name']} {row['last_name']}".strip() or row["company"] or f"#{row['id']}"
        row["salesperson_name"] = (f"{first} {last}".strip() or username) if username is not None else None
        row["source_name"] = reference_label(Source, row["source_id"])
        row["media_name"] = reference_label(Media, row["media_id"])
        row["phones"], row["tags"] = phones[row["id"]], tags[row["id"]]
    return rows


class CustomerPage:
    """A list of customers as ninja's pagination reads it: `count()` over the filtered customers, a
    slice answered as customer_rows of that page."""

    def __init__(self, queryset: QuerySet):
        self.queryset = queryset

    def all(self):
        return self

    def count(self) -> int:
        return self.queryset.order_by().count()

    def __getitem__(self, page: slice) -> list[dict]:
        return customer_rows(self.queryset[page])


def customer_page(*, actor, filters: CustomerFilters) -> CustomerPage:
    """customer_list's customers (same filters, visibility and order), for the API's list."""
    return CustomerPage(_filtered(actor, *_resolved(filters)).order_by("last_name", "first_name", "pk"))


def _sure_duplicates_sql(actor) -> RawSQL:
    """customer_sure_duplicate_count as a column of the customer's own row: the others the actor may see
    sharing a phone or an owned address (theirs or one a merge kept), each way through its own index
    (a UNION of ids, never an OR across tables, which would scan every customer)."""
    c, p, e = (connection.ops.quote_name(model._meta.db_table) for model in (Customer, CustomerPhone, CustomerEmail))
    owned = ", ".join(["%s"] * len(OWNED_EMAIL_STATUSES))
    visible, params = "", []
    if not permissions.can_see_all_customers(actor):
        visible, params = "AND (d.salesperson_id = %s OR d.salesperson_id IS NULL)", [actor.pk]
    statuses = list(OWNED_EMAIL_STATUSES)
    sql = f"""(SELECT COUNT(*) FROM {c} d WHERE d.merged_into_id IS NULL AND d.id <> {c}.id {visible} AND d.id IN (
        SELECT p2.customer_id FROM {p} p1 JOIN {p} p2 ON p2.e164 = p1.e164 WHERE p1.customer_id = {c}.id
        UNION SELECT d2.id FROM {c} d2 WHERE {c}.email_status IN ({owned}) AND {c}.email <> ''
            AND d2.email = {c}.email
        UNION SELECT e1.customer_id FROM {e} e1 WHERE {c}.email_status IN ({owned}) AND {c}.email <> ''
            AND e1.email = {c}.email AND e1.email_status IN ({owned})
        UNION SELECT d3.id FROM {e} o1 JOIN {c} d3 ON d3.email = o1.email
            WHERE o1.customer_id = {c}.id AND o1.email_status IN ({owned})
        UNION SELECT e2.customer_id FROM {e} o2 JOIN {e} e2 ON e2.email = o2.email
            WHERE o2.customer_id = {c}.id AND o2.email_status IN ({owned}) AND e2.email_status IN ({owned})))"""
    return RawSQL(sql, (*params, *statuses, *statuses, *statuses, *statuses, *statuses, *statuses))


def customer_card(*, actor, pk) -> dict:
    """One customer as the API's card shows it (customer_rows, and `sure_duplicates`: how many others
    the actor may see share a phone or an address). Two queries."""
    rows = customer_rows(customer_visible(actor).filter(pk=pk).annotate(sure_duplicates=_sure_duplicates_sql(actor)),
                         annotations=("sure_duplicates",))
    if not rows:
        raise NotFound()
    return rows[0]


EXPORT_COLUMNS = ("pk", "first_name", "last_name", "company", "email", "email_status", "address_line1",
                  "address_line2", "city", "province", "postal_code", "source_id", "media_id", "salesperson__first_name",
                  "salesperson__last_name", "salesperson__username", "unsubscribed", "external_id", "created_at")


def _export_chunk(rows: list[dict], entries: dict) -> Iterator[dict]:
    """A chunk of rows with their phones (as shown) and tags: one query each for the whole chunk."""
    ids = [row["pk"] for row in rows]
    phones, tags = defaultdict(list), defaultdict(list)
    for customer_id, number, extension in CustomerPhone.objects.filter(customer_id__in=ids) \
            .order_by("customer_id", "position", "pk").values_list("customer_id", "number", "extension"):
        phones[customer_id].append(phone_display(number, extension))
    for customer_id, tag_id in Customer.tags.through.objects.filter(customer_id__in=ids) \
            .order_by("customer_id", "tag_id").values_list("customer_id", "tag_id"):
        tags[customer_id].append(entries["tags"][tag_id].label)
    for row in rows:
        salesperson = f"{row['salesperson__first_name'] or ''} {row['salesperson__last_name'] or ''}".strip() \
            or row["salesperson__username"] or ""
        yield {**row, "id": row["pk"], "phones": phones[row["pk"]], "tags": tags[row["pk"]], "salesperson": salesperson,
               "source": entries["source"][row["source_id"]].label if row["source_id"] else "",
               "media": entries["media"][row["media_id"]].label if row["media_id"] else ""}


def customer_export_rows(*, actor, filters: CustomerFilters, chunk_size: int = 2000) -> Iterator[dict]:
    """The filtered list for an export, in the list's order, as plain values read `chunk_size` rows at a
    time (a database cursor, not a list): a million customers never sit in memory, and no model is built
    per row. Each row: the customer's columns, `phones` as shown, `tags`, `source`, `media` and
    `salesperson` by name (labels in the language active while the rows are read)."""
    # The filters are read now, not when the first row is: an unknown one is a 422 before anything is sent.
    queryset = _filtered(actor, *_resolved(filters)).order_by("last_name", "first_name", "pk").values(*EXPORT_COLUMNS)
    return _export_rows(queryset, chunk_size)


def _export_rows(queryset: QuerySet, chunk_size: int) -> Iterator[dict]:
    # Admin-managed lists: a few dozen entries each, read once.
    entries = {"source": Source.objects.in_bulk(), "media": Media.objects.in_bulk(), "tags": Tag.objects.in_bulk()}
    chunk = []
    for row in queryset.iterator(chunk_size=chunk_size):
        chunk.append(row)
        if len(chunk) == chunk_size:
            yield from _export_chunk(chunk, entries)
            chunk = []
    if chunk:
        yield from _export_chunk(chunk, entries)


def customer_facets(*, actor, filters: CustomerFilters) -> dict[str, dict]:
    """How many customers each value of each filter would keep: per facet, one grouped SQL count over
    the list filtered by every other filter (its own left out, so its other values stay countable).
    {"email_status": {"valid": 12, …}, "source": {id: n}, "media": {id: n}, "salesperson": {id | None: n},
    "tags": {id: n}, "unsubscribed": {True: n, False: n}}; values nobody has are absent."""
    filters, search = _resolved(filters)
    counts = {}
    for facet in FACETS:
        queryset = _filtered(actor, replace(filters, **{facet: _FACET_EMPTY[facet]}), search).order_by()
        if facet == "tags":
            rows = (Customer.tags.through.objects.filter(customer_id__in=queryset.values("pk"))
                    .values_list("tag_id").annotate(n=Count("customer_id")).order_by())
        else:
            column = {"salesperson": "salesperson_id", "source": "source_id", "media": "media_id"}.get(facet, facet)
            rows = queryset.values_list(column).annotate(n=Count("pk")).order_by()
        counts[facet] = dict(rows)
    return counts


def customer_get(*, actor, pk) -> Customer:
    customer = _with_relations(customer_visible(actor)).prefetch_related("aliases", "other_emails").filter(
        pk=pk).first()
    if customer is None:
        raise NotFound()
    return customer


def customer_merged_into(*, actor, pk) -> Customer | None:
    """The record a merged customer now lives in, when the actor may see it (chains are flattened at
    each merge, so one step is enough); None for a record that was never merged."""
    merged = Customer.objects.filter(pk=pk, merged_into__isnull=False)
    survivor_id = merged.values_list("merged_into", flat=True).first()
    if survivor_id is None:
        return None
    return customer_visible(actor).filter(pk=survivor_id).first()


def _email_owners(emails: list[str]) -> QuerySet:
    """Ids of the customers whose address, or one of their other addresses, is one of `emails`: two
    index probes in one statement (an OR across the tables would scan every customer)."""
    primary = Customer.objects.filter(email__in=emails).values("pk").order_by()
    other = CustomerEmail.objects.filter(email__in=emails, email_status__in=OWNED_EMAIL_STATUSES) \
        .values("customer_id").order_by()
    return primary.union(other)


def customer_duplicates_of(*, actor, e164s=(), emails=(), name_key: str = "", postal_key: str = "",
                           company_key: str = "", exclude: int | None = None, possible: bool = True) -> list[dict]:
    """DESIGN (duplicates), on values rather than a saved record: another customer with one of the E.164
    `e164s` or one of the `emails` (their other addresses too) is a sure duplicate; the same name
    (`name_key`, or the company's when there is no person's name) and postal code, or a close one with
    the same postal code or phone tail, a possible one (`possible=False` leaves those out). One row per
    customer the actor may see, strongest reason first: {"id", "reason", "reasons"}. Each way of
    finding them is its own index-driven query."""
    others = customer_visible(actor)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    found: dict[int, list[str]] = {}

    def add(ids, reason):
        for pk in ids:
            found.setdefault(pk, [])
            if reason not in found[pk]:
                found[pk].append(reason)

    e164s = sorted({e164 for e164 in e164s if e164})
    emails = sorted({email for email in emails if email})
    if e164s:
        add(others.filter(phones__e164__in=e164s).values_list("pk", flat=True).distinct(), "phone")
    if emails:
        add(others.filter(pk__in=_email_owners(emails)).values_list("pk", flat=True), "email")
    if possible and (name_key or company_key):
        near = []
        if postal_key:
            if name_key:
                add(others.filter(name_key=name_key, postal_key=postal_key).values_list("pk", flat=True), "name")
            near.append(Customer.objects.filter(postal_key=postal_key).values("pk"))
        for tail in {e164[-7:] for e164 in e164s}:
            near.append(CustomerPhone.objects.filter(
                prefix_q("digits_reversed", tail[::-1], alphanumeric=True)).values("customer_id"))
        if near:
            first, *rest = [query.order_by() for query in near]
            candidates = others.filter(pk__in=first.union(*rest) if rest else first)
            if name_key:
                rows = candidates.exclude(name_key="").values_list("pk", "name_key")[:MAX_FUZZY_CANDIDATES]
                add([pk for pk, key in rows if fuzz.ratio(key, name_key) >= FUZZY_NAME_RATIO], "name")
            else:  # a company: its name is what the duplicate shares
                rows = candidates.exclude(company="").values_list("pk", "company")[:MAX_FUZZY_CANDIDATES]
                add([pk for pk, company in rows
                     if fuzz.ratio(normalize(company), company_key) >= FUZZY_NAME_RATIO], "name")
    result = [{"id": pk, "reason": min(reasons, key=REASON_ORDER.get),
               "reasons": sorted(reasons, key=REASON_ORDER.get)} for pk, reasons in found.items()]
    return sorted(result, key=lambda r: (REASON_ORDER[r["reason"]], r["id"]))


def customer_emails(customer: Customer) -> list[str]:
    """The addresses a customer has: theirs and those a merge kept (DESIGN: a placeholder is no email)."""
    own = [customer.email] if customer.email and customer.email_status in OWNED_EMAIL_STATUSES else []
    return own + list(customer.other_emails.filter(email_status__in=OWNED_EMAIL_STATUSES)
                      .values_list("email", flat=True))


def customer_duplicates(customer: Customer, *, actor) -> list[dict]:
    """DESIGN: same E.164 phone or email (other addresses included) = sure; same name and postal code, or
    a close name with the same postal code or phone tail = possible; for a saved customer."""
    return customer_duplicates_of(
        actor=actor, e164s=list(customer.phones.values_list("e164", flat=True)), emails=customer_emails(customer),
        name_key=customer.name_key, postal_key=customer.postal_key,
        company_key="" if customer.name_key else normalize(customer.company), exclude=customer.pk)


def customer_duplicates_described(duplicates: list[dict], *, actor, limit: int = 10) -> list[dict]:
    """The first `limit` duplicates with their record (name, phones, email, salesperson) for a panel: two
    queries whatever their number. Each row gains "customer" and "sure"."""
    shown = duplicates[:limit]
    records = _with_relations(customer_visible(actor)).in_bulk([row["id"] for row in shown])
    return [{**row, "customer": records[row["id"]], "sure": row["reason"] in SURE_REASONS}
            for row in shown if row["id"] in records]


def customer_sure_duplicate_count(customer: Customer, *, actor) -> int:
    """How many others the actor may see share a phone or an address (the card's red count): one query,
    each way of matching through its own index (an OR across them would scan every customer)."""
    e164s = [phone.e164 for phone in customer.phones.all()]  # prefetched by customer_get
    matches = []
    if e164s:
        matches.append(CustomerPhone.objects.filter(e164__in=e164s).values("customer_id").order_by())
    # Its other addresses (a merge's) are read inside the same statement.
    emails = CustomerEmail.objects.filter(customer=customer, email_status__in=OWNED_EMAIL_STATUSES).values("email")
    if customer.email_status in OWNED_EMAIL_STATUSES and customer.email:
        matches += [Customer.objects.filter(email=customer.email).values("pk").order_by(),
                    CustomerEmail.objects.filter(email=customer.email, email_status__in=OWNED_EMAIL_STATUSES)
                    .values("customer_id").order_by()]
    matches += [Customer.objects.filter(email__in=emails).values("pk").order_by(),
                CustomerEmail.objects.filter(email__in=emails, email_status__in=OWNED_EMAIL_STATUSES)
                .values("customer_id").order_by()]
    first, *rest = matches
    return customer_visible(actor).exclude(pk=customer.pk).filter(pk__in=first.union(*rest)).count()


def _hundredths_half_up(part, whole):
    """part / whole × 100 in hundredths, rounded half-up with integers (core.figures.percentage's rounding):
    the same on every database, never a float. NULL when `whole` is 0."""
    return ExpressionWrapper((part * 20000 + whole) / NullIf(whole * 2, 0), output_field=IntegerField())


def email_ratio_compute(*, year: int, month: int, actor=None) -> dict:
    """DESIGN (email ratio): per salesperson, customers they created in the month whose email is valid
    now / all they created. System-created ones count for nobody. One grouped SQL aggregation, each
    salesperson's line (ratio, points) figured in it: the rows come out of the database as answered.
    Points lost: those recorded at creation, and none for a month at or above the target (issue 23)."""
    start, end = month_bounds(year, month)
    created = Customer.objects.using(reports_db()).filter(
        created_at__gte=start, created_at__lt=end, created_by__isnull=False, channel=Channel.MANUAL
    )
    live = Q(merged_into__isnull=True)
    valid = live & Q(email_status=EmailStatus.VALID)
    target = site_settings_get().email_ratio_target_pct
    ratio = _hundredths_half_up(Count("pk", filter=valid), Count("pk", filter=live))
    rows = (
        created.values("created_by")
        .annotate(
            user=F("created_by"),
            created=Count("pk", filter=live),
            with_valid_email=Count("pk", filter=valid),
            ratio_hundredths=ratio,
            # Issue 23: a salesperson at or above the target loses no point for the month (the ratio as shown,
            # two decimals, so « 75,00 % » is never red nor costs a point).
            points_lost=Case(When(Q(ratio_hundredths__gte=int(target * 100)), then=Value(0)),
                             default=Coalesce(Sum("points_lost"), 0), output_field=IntegerField()),
            label=Coalesce(NullIf(Trim(Concat(F("created_by__first_name"), Value(" "), F("created_by__last_name"))),
                                  Value("")), F("created_by__username")),
        )
        .order_by("created_by__last_name", "created_by__first_name", "created_by")
    )
    if actor is not None and not permissions.can_see_team(actor):
        rows = rows.filter(created_by=actor)  # a salesperson sees their own row beside the team's total
    overall = created.aggregate(created=Count("pk", filter=live), with_valid_email=Count("pk", filter=valid))
    by_salesperson = [
        {"user": user, "label": label, "created": n, "with_valid_email": valid_n,
         "ratio_pct": None if hundredths is None else Decimal(hundredths).scaleb(-2), "points_lost": points}
        for user, label, n, valid_n, hundredths, points in rows.values_list(
            "user", "label", "created", "with_valid_email", "ratio_hundredths", "points_lost")]
    return {
        "month": f"{year:04d}-{month:02d}",
        "target_pct": target,
        "overall": {**overall, "ratio_pct": percentage(overall["with_valid_email"], overall["created"])},
        "by_salesperson": by_salesperson,
    }


def email_ratio_by_month(*, actor, year: int, month: int, months: int = 12) -> list[dict]:
    """The email ratio of each of the `months` calendar months ending with (year, month), oldest first,
    for the whole team or, for a salesperson, their own customers. One query grouped by month."""
    first_year, first_month = divmod(year * 12 + month - 1 - (months - 1), 12)
    start, _unused = month_bounds(first_year, first_month + 1)
    _unused, end = month_bounds(year, month)
    created = Customer.objects.using(reports_db()).filter(
        created_at__gte=start, created_at__lt=end, created_by__isnull=False, channel=Channel.MANUAL)
    if not permissions.can_see_team(actor):
        created = created.filter(created_by=actor)
    live = Q(merged_into__isnull=True)
    rows = (created.annotate(month=TruncMonth("created_at", tzinfo=timezone.get_default_timezone()))
            .values("month")
            .annotate(created=Count("pk", filter=live),
                      with_valid_email=Count("pk", filter=live & Q(email_status=EmailStatus.VALID)))
            .order_by("month"))
    found = {timezone.localtime(row["month"]).strftime("%Y-%m"): row for row in rows}
    result = []
    for index in range(months):
        y, m = divmod(first_year * 12 + first_month + index, 12)
        key = f"{y:04d}-{m + 1:02d}"
        row = found.get(key, {"created": 0, "with_valid_email": 0})
        result.append({"month": key, "created": row["created"], "with_valid_email": row["with_valid_email"],
                       "ratio_pct": percentage(row["with_valid_email"], row["created"])})
    return result


def customer_ids_by_name_and_postal(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Live customers whose (name_key, postal_key) is one of `pairs`: one index probe per pair.

    `name_key IN (…) AND postal_key IN (…)` would probe every combination of the two lists (a
    million for a thousand rows); joining the pairs as a VALUES list probes each once."""
    found: dict[tuple[str, str], int] = {}
    pairs = list(pairs)
    quote = connection.ops.quote_name
    table = quote(Customer._meta.db_table)
    for start in range(0, len(pairs), 2000):
        chunk = pairs[start:start + 2000]
        values = ", ".join(["(%s, %s)"] * len(chunk))
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH k (n, p) AS (VALUES {values}) "
                f"SELECT c.name_key, c.postal_key, MIN(c.id) FROM k JOIN {table} c "
                f"ON c.name_key = k.n AND c.postal_key = k.p WHERE c.merged_into_id IS NULL "
                f"GROUP BY c.name_key, c.postal_key",
                [value for pair in chunk for value in pair])
            found.update({(name, postal): pk for name, postal, pk in cursor.fetchall()})
    return found
