"""Importing customers in batches: every rule of a new customer, duplicates found, saved in bulk."""

from operator import attrgetter

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.bulk import insert_rows, reserve_ids
from comptoir.core.exceptions import ApplicationError
from comptoir.core.models import Tag
from comptoir.core.selectors import site_settings_get
from comptoir.customers.models import Channel, Customer, CustomerPhone, CustomerSearchToken, EmailStatus
from comptoir.customers.selectors import customer_ids_by_name_and_postal
from comptoir.customers.services.keys import customer_tokens
from comptoir.customers.services.records import TEXT_FIELDS, Lookups, customer_draft, customer_update
from comptoir.timeline.services import timeline_record_many


class OnDuplicate:
    SKIP, UPDATE, CREATE = "skip", "update", "create"


def _existing_duplicates(drafts: list[tuple[int, Customer, list[dict]]]) -> dict[int, int]:
    """For each draft (by its position), the customer it duplicates: the same DMS id first (the
    other system's identity of the record), then DESIGN's sure rules, E.164 phone (the row's first
    number that matches) and email, then the possible one an import can tell without fuzz, name +
    postal code. Where several customers share the key, the oldest (lowest id)."""
    if set_based():
        return _existing_duplicates_staged(drafts)
    external_ids = {c.external_id for _i, c, _p in drafts if c.external_id}
    e164s = {p["e164"] for _i, _c, phones in drafts for p in phones}
    emails = {c.email for _i, c, _p in drafts if c.email_status == EmailStatus.VALID}
    live = Customer.objects.filter(merged_into__isnull=True)
    by_external = _oldest(live.filter(external_id__in=external_ids).values_list("external_id", "pk")) \
        if external_ids else {}
    by_phone = _oldest(CustomerPhone.objects.filter(e164__in=e164s, customer__merged_into__isnull=True)
                       .values_list("e164", "customer_id")) if e164s else {}
    by_email = _oldest(live.filter(email__in=emails).values_list("email", "pk")) if emails else {}
    pairs = {(c.name_key, c.postal_key) for _i, c, _p in drafts if c.postal_key and c.name_key}
    by_name = customer_ids_by_name_and_postal(pairs) if pairs else {}
    found = {}
    for index, customer, phones in drafts:
        match = by_external.get(customer.external_id or None) \
            or next((by_phone[p["e164"]] for p in phones if p["e164"] in by_phone), None) \
            or by_email.get(customer.email if customer.email_status == EmailStatus.VALID else None) \
            or (by_name.get((customer.name_key, customer.postal_key)) if customer.postal_key else None)
        if match:
            found[index] = match
    return found


def _oldest(pairs) -> dict:
    found: dict = {}
    for key, pk in pairs:
        if key not in found or pk < found[key]:
            found[key] = pk
    return found


def set_based() -> bool:
    """The set-based path (keys staged in a temporary table, looked up by joins) unless the setting
    turns it off: the row-by-row lookups stay, as the reference it is tested against."""
    return settings.COMPTOIR_IMPORT_SET_BASED


# The batch's keys, one row each: (position of the draft, rule, order within the rule, key, second key).
# Rules in DESIGN's order of trust; a draft matches by its first rule (then first phone) that finds a customer.
_RULE_EXTERNAL, _RULE_PHONE, _RULE_EMAIL, _RULE_NAME = range(4)
_STAGE = "import_duplicate_keys"
_PROBES_ONLY = ("enable_hashjoin", "enable_mergejoin", "jit")


def _stage_table(cursor) -> str:
    """A temporary table of this connection (no WAL, nobody else sees it), empty: a caller may run
    several batches in one transaction (a dataset)."""
    table = connection.ops.quote_name(_STAGE)
    if connection.vendor == "postgresql":
        cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {table} (pos integer NOT NULL, rule smallint NOT NULL, "
                       f"ord smallint NOT NULL, k1 varchar(254) NOT NULL, k2 varchar(20) NOT NULL DEFAULT '') "
                       f"ON COMMIT DELETE ROWS")
        cursor.execute(f"TRUNCATE {table}")
    else:
        cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {table} (pos integer NOT NULL, rule integer NOT NULL, "
                       f"ord integer NOT NULL, k1 text NOT NULL, k2 text NOT NULL DEFAULT '')")
        cursor.execute(f"DELETE FROM {table}")
    return table


def _staged_keys(drafts):
    for index, customer, phones in drafts:
        if customer.external_id:
            yield index, _RULE_EXTERNAL, 0, customer.external_id, ""
        for order, phone in enumerate(phones):
            yield index, _RULE_PHONE, order, phone["e164"], ""
        if customer.email_status == EmailStatus.VALID:
            yield index, _RULE_EMAIL, 0, customer.email, ""
        if customer.postal_key and customer.name_key:
            yield index, _RULE_NAME, 0, customer.name_key, customer.postal_key


def _existing_duplicates_staged(drafts: list[tuple[int, Customer, list[dict]]]) -> dict[int, int]:
    """The same answer as the row-by-row lookups, from one statement: the batch's keys are streamed
    into a temporary table and joined to the customers' own indexes (one probe per key). A key list
    sent as `IN (…)` made PostgreSQL scan whole tables once they held a million rows; joined, each key
    costs an index probe whatever the table's size."""
    quote = connection.ops.quote_name
    customer, phone = quote(Customer._meta.db_table), quote(CustomerPhone._meta.db_table)
    # In a transaction of its own when the caller has none: the staged keys live until its commit.
    with transaction.atomic(), connection.cursor() as cursor:
        stage = _stage_table(cursor)
        keys = list(_staged_keys(drafts))
        if not keys:
            return {}
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {stage} (pos, rule, ord, k1, k2) FROM STDIN") as copy:
                for key in keys:
                    copy.write_row(key)
            # A few thousand index probes, whatever the planner's statistics say: with a table that grew
            # since its last ANALYZE (or its default page costs), it hashes a scan of every customer
            # instead, 0.4 s a batch at 100,000 rows and growing. Only nested loops remain; the disabled
            # plans' penalty costs must not start a JIT compilation either (0.8 s).
            for name in _PROBES_ONLY:
                cursor.execute(f"SET LOCAL {name} = off")
        else:
            cursor.executemany(f"INSERT INTO {stage} (pos, rule, ord, k1, k2) VALUES (%s, %s, %s, %s, %s)", keys)
        live = "c.merged_into_id IS NULL"
        cursor.execute(
            f"SELECT s.pos, s.rule, s.ord, MIN(c.id) FROM {stage} s JOIN {customer} c "
            f"ON s.rule = {_RULE_EXTERNAL} AND c.external_id = s.k1 WHERE {live} GROUP BY s.pos, s.rule, s.ord "
            f"UNION ALL SELECT s.pos, s.rule, s.ord, MIN(c.id) FROM {stage} s JOIN {phone} p "
            f"ON s.rule = {_RULE_PHONE} AND p.e164 = s.k1 JOIN {customer} c ON c.id = p.customer_id "
            f"WHERE {live} GROUP BY s.pos, s.rule, s.ord "
            f"UNION ALL SELECT s.pos, s.rule, s.ord, MIN(c.id) FROM {stage} s JOIN {customer} c "
            f"ON s.rule = {_RULE_EMAIL} AND c.email = s.k1 WHERE {live} GROUP BY s.pos, s.rule, s.ord "
            f"UNION ALL SELECT s.pos, s.rule, s.ord, MIN(c.id) FROM {stage} s JOIN {customer} c "
            f"ON s.rule = {_RULE_NAME} AND c.name_key = s.k1 AND c.postal_key = s.k2 WHERE {live} "
            f"GROUP BY s.pos, s.rule, s.ord")
        matches = sorted(cursor.fetchall())
        if connection.vendor == "postgresql":
            for name in _PROBES_ONLY:
                cursor.execute(f"RESET {name}")
    found: dict[int, int] = {}
    for index, _rule, _order, pk in matches:
        found.setdefault(index, pk)  # sorted: the first rule, then the first phone, that matched
    return found


def _batch_keys(customer: Customer, phones: list[dict]) -> list[tuple]:
    keys = [("external_id", customer.external_id)] if customer.external_id else []
    keys += [("phone", p["e164"]) for p in phones]
    if customer.email_status == EmailStatus.VALID:
        keys.append(("email", customer.email))
    if customer.postal_key and customer.name_key:
        keys.append(("name", customer.name_key, customer.postal_key))
    return keys


def customers_draft(*, actor, rows: list[dict], lookups: Lookups) -> list:
    """Every rule of a new customer (channel import) for each row, nothing saved and no customer
    read: per row, its draft (customer, phones, tags) or the ApplicationError refusing it. An import
    runs it on its next batch while the database writes the current one (customers_import)."""
    site = site_settings_get()
    drafted = []
    for row in rows:
        try:
            customer, phones, tags = customer_draft(actor=actor, lookups=lookups, channel=Channel.IMPORT,
                                                    site=site, **row)
            _check_lengths(customer)
        except ApplicationError as error:
            drafted.append(error)
            continue
        drafted.append((customer, phones, tags))
    return drafted


def customers_import(*, actor, rows: list[dict], on_duplicate: str = OnDuplicate.SKIP, lookups: Lookups,
                     job_id: int | None = None, drafted: list | None = None) -> list[tuple[str, object]]:
    """A batch of imported rows, each with every rule of customer_create (channel import), saved in
    bulk. Answers one outcome per row: ("created" | "updated" | "skipped", customer id) or
    ("error", ApplicationError). The caller holds the transaction: a batch lands whole or not at all.
    `drafted` is customers_draft's answer for these rows, when the caller had it made beforehand."""
    if drafted is None:
        drafted = customers_draft(actor=actor, rows=rows, lookups=lookups)
    outcomes: list[tuple[str, object]] = [None] * len(rows)
    drafts = []
    for index, draft in enumerate(drafted):
        if isinstance(draft, ApplicationError):
            outcomes[index] = ("error", draft)
        else:
            drafts.append((index, *draft))
    existing = _existing_duplicates([(i, c, p) for i, c, p, _t in drafts]) \
        if on_duplicate != OnDuplicate.CREATE else {}
    new, seen = [], {}
    for index, customer, phones, tags in drafts:
        match = existing.get(index)
        if match is None and on_duplicate != OnDuplicate.CREATE:
            # A duplicate of an earlier row of the same batch: that row's customer, once saved.
            match = next((seen[k] for k in _batch_keys(customer, phones) if k in seen), None)
        if match is not None:
            if on_duplicate == OnDuplicate.UPDATE:
                outcomes[index] = _import_update(actor, match, rows[index], phones)
            else:
                outcomes[index] = ("skipped", match if isinstance(match, int) else None)
            continue
        new.append((index, customer, phones, tags))
        for key in _batch_keys(customer, phones):
            seen.setdefault(key, customer)
    _bulk_save(actor, new, job_id)
    for index, customer, _phones, _tags in new:
        outcomes[index] = ("created", customer.pk)
    # Rows that matched a customer created earlier in the batch now know its id.
    return [(kind, value.pk if isinstance(value, Customer) else value) for kind, value in outcomes]


def _import_update(actor, match, row: dict, phones: list[dict]) -> tuple[str, object]:
    if isinstance(match, Customer):
        return ("skipped", match)  # the same file names the customer twice: the first row wins
    values = {k: v for k, v in row.items() if v not in (None, "", []) and k not in ("phones", "no_email")}
    try:
        with transaction.atomic():
            current = list(CustomerPhone.objects.filter(customer_id=match).values("kind", "number"))
            known = {p["number"] for p in current}
            values["phones"] = current + [{"kind": p["kind"], "number": p["number"]} for p in phones
                                          if p["number"] not in known]
            customer_update(actor=actor, customer_id=match, **values)
    except ApplicationError as error:
        return ("error", error)
    return ("updated", match)


TOO_LONG = _("« %(field)s » dépasse %(max)s caractères.")
_LENGTHS = {f.name: f.max_length for f in Customer._meta.concrete_fields
            if getattr(f, "max_length", None) and f.name in TEXT_FIELDS + ("email",)}


def _check_lengths(customer: Customer) -> None:
    """What full_clean checks of an imported row, without its per-field cost."""
    for name, limit in _LENGTHS.items():
        if len(getattr(customer, name)) > limit:
            raise ApplicationError(TOO_LONG % {"field": Customer._meta.get_field(name).verbose_name, "max": limit},
                                   field=name)


_CUSTOMER_FIELDS = [f for f in Customer._meta.concrete_fields]


def _bulk_save(actor, new: list[tuple[int, Customer, list[dict], list[Tag]]], job_id) -> None:
    """Insert the batch's customers and everything customer_create writes with them: phones, search
    tokens, tags and the timeline row, with one statement per table (comptoir.bulk)."""
    if not new:
        return
    now = timezone.now()
    ids = reserve_ids(Customer, len(new))
    for pk, (_i, customer, _p, _t) in zip(ids, new):
        customer.pk, customer.created_at, customer.updated_at = pk, now, now
    values = attrgetter(*(f.attname for f in _CUSTOMER_FIELDS))
    insert_rows(Customer, [f.attname for f in _CUSTOMER_FIELDS], (values(c) for _i, c, _p, _t in new))
    insert_rows(CustomerPhone, ["customer_id", "kind", "number", "e164", "digits_reversed", "position", "extension"],
                ((c.pk, p["kind"], p["number"], p["e164"], p["digits_reversed"], n, p.get("extension", ""))
                 for _i, c, phones, _t in new for n, p in enumerate(phones)))
    insert_rows(CustomerSearchToken, ["customer_id", "token"],
                ((c.pk, t) for _i, c, _p, _t in new for t in customer_tokens(c.first_name, c.last_name, c.company)))
    insert_rows(Customer.tags.through, ["customer_id", "tag_id"],
                ((c.pk, t.pk) for _i, c, _p, tags in new for t in tags))
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    timeline_record_many(model=Customer, rows=(
        (c.pk, actor_id, "customer_created", {"channel": Channel.IMPORT, "email_status": c.email_status,
                                              "import": job_id, "salesperson": c.salesperson_id}, now)
        for _i, c, _p, _t in new))
