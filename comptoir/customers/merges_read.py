"""Reads on merges (DESIGN: customers, a merge loses nothing and can be undone): what merging two
customers will do, field by field with its defaults (the comparison page shows it, `customer_merge`
applies it), the merges a customer took part in, and whether one may still be undone.

`merge_plan` is the one place the merge's choices are decided, so the page never promises what the
service would not do."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import count

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, override

from comptoir.core import permissions
from comptoir.core.exceptions import ApplicationError, Conflict, Forbidden, NotFound
from comptoir.core.text import is_small_id
from comptoir.customers.models import (
    Customer,
    CustomerAlias,
    CustomerEmail,
    CustomerMerge,
    CustomerPhone,
    CustomerSearchToken,
    EmailStatus,
)
from comptoir.customers.selectors import customer_get
from comptoir.timeline.selectors import timeline_for

SURVIVOR, OTHER = "survivor", "other"
SIDES = (SURVIVOR, OTHER)
NAME_FIELDS = ("first_name", "last_name", "company")
ADDRESS_FIELDS = ("address_line1", "address_line2", "city", "province", "postal_code", "country")
TEXT_KEYS = ("external_id", "industry", "market_segment", "territory", "website")
REFERENCE_KEYS = ("source", "media", "salesperson")
# What the comparison lets the user choose: one field each, but the address as a whole (a street from one
# record and a city from the other would be nobody's address) and the email with its status.
CHOICE_KEYS = (*NAME_FIELDS, "email", "address", *TEXT_KEYS, *REFERENCE_KEYS)
# Values a merge does not show but keeps in `details` under « Autre … » (names and emails have their own rows;
# the salesperson is who owns the record, not a value of the customer: the merge and the history keep it).
DETAIL_KEYS = ("address", *TEXT_KEYS, "source", "media")
REAL_EMAIL = (EmailStatus.VALID, EmailStatus.INVALID)
# A valid address beats a bounced one, and any real address beats none or a placeholder.
EMAIL_RANK = {EmailStatus.VALID: 2, EmailStatus.INVALID: 1}
# Rows a merge handles itself; every other row pointing at a customer simply moves (merge_child_relations).
OWN_ROWS = (Customer, CustomerPhone, CustomerSearchToken, CustomerAlias, CustomerEmail, CustomerMerge)

SELF_MERGE = _("Un client ne se fusionne pas avec lui-même.")
UNKNOWN_CHOICE = _("On ne choisit pas « %(key)s » : les champs à choisir sont %(keys)s.")
BAD_SIDE = _("Choisissez « survivor » (la fiche conservée) ou « other » (l'autre fiche).")
UNDO_FORBIDDEN = _("Seuls un directeur des ventes ou un administrateur peuvent annuler une fusion.")
UNDO_ALREADY = _("Cette fusion a déjà été annulée.")
UNDO_TOO_LATE = ngettext_lazy(
    "Une fusion s'annule pendant %(days)s jour ; celle-ci date du %(date)s.",
    "Une fusion s'annule pendant %(days)s jours ; celle-ci date du %(date)s.",
    "days",
)
UNDO_STALE = _("La fiche conservée a depuis été fusionnée dans une autre : annulez d'abord cette fusion-là.")
OTHER_VALUE = _("Autre %(field)s")
ADDRESS = _("Adresse")
NO_EMAIL = _("aucun courriel")


# --- One value of a record, as the merge compares it ----------------------------------------------

def attnames(key: str) -> tuple[str, ...]:
    """The columns one choice sets on the kept record."""
    if key == "email":
        return ("email", "email_status")
    if key == "address":
        return ADDRESS_FIELDS
    if key in REFERENCE_KEYS:
        return (f"{key}_id",)
    return (key,)


def _value(customer: Customer, key: str):
    """The value compared: empty ("", None, ()) when the record has none. DESIGN: a placeholder counts
    as no email everywhere."""
    if key == "email":
        return customer.email if customer.email_status in REAL_EMAIL else ""
    if key == "address":
        values = tuple(getattr(customer, name) or "" for name in ADDRESS_FIELDS)
        return values if any(values[:-1]) else ()  # a country alone is no address
    return getattr(customer, attnames(key)[0]) or ("" if key not in REFERENCE_KEYS else None)


def address_text(customer: Customer) -> str:
    line1, line2, city, province, postal_code, country = (getattr(customer, name) or "" for name in ADDRESS_FIELDS)
    place = " ".join(part for part in (city, province, postal_code) if part)
    return ", ".join(part for part in (line1, line2, place, country if country not in ("", "CA") else "") if part)


def _shown(customer: Customer, key: str) -> str:
    """The value as the comparison shows it: never the placeholder address (« aucun courriel »)."""
    if key == "email":
        return customer.email if customer.email_status in REAL_EMAIL else str(NO_EMAIL)
    if key == "address":
        return address_text(customer) if _value(customer, key) else ""
    if key in ("source", "media"):
        item = getattr(customer, key)
        return item.label if item is not None else ""
    if key == "salesperson":
        return customer.salesperson.display_name if customer.salesperson_id else ""
    return getattr(customer, key) or ""


def _label(key: str) -> str:
    if key == "address":
        return ADDRESS
    return capfirst(Customer._meta.get_field(key).verbose_name)


def _default(key: str, survivor: Customer, other: Customer) -> str:
    """DESIGN (issue 22): where both records have a value, the newer record's by default; where one
    has none, the other's; never a placeholder; a valid email before a bounced one."""
    mine, theirs = _value(survivor, key), _value(other, key)
    if not theirs or mine == theirs:
        return SURVIVOR
    if not mine:
        return OTHER
    if key == "email" and EMAIL_RANK[survivor.email_status] != EMAIL_RANK[other.email_status]:
        return SURVIVOR if EMAIL_RANK[survivor.email_status] > EMAIL_RANK[other.email_status] else OTHER
    return OTHER if other.updated_at > survivor.updated_at else SURVIVOR


def _triple(record) -> tuple[str, str, str]:
    return tuple(getattr(record, name) or "" for name in NAME_FIELDS)


def merge_survivor_extras(*, customer_id: int, other_id: int) -> dict:
    """What the merge's answer shows beside the survivor's card: the names and addresses it is also
    known by, and the merge just done."""
    emails = list(CustomerEmail.objects.filter(customer_id=customer_id).order_by("pk").values_list(
        "email", "email_status"))
    return {
        "other_names": [name_text(*alias) for alias in CustomerAlias.objects.filter(customer_id=customer_id)
                        .order_by("pk").values_list("first_name", "last_name", "company")],
        "other_emails": [email for email, _status in emails],
        "other_email_statuses": dict(emails),
        "merge": CustomerMerge.objects.filter(survivor_id=customer_id, merged_id=other_id).order_by("-pk")
        .values_list("pk", flat=True).first(),
    }


def name_text(first_name: str, last_name: str, company: str) -> str:
    """« Hélène Côté-Tremblay », with the company in brackets when there is a name too."""
    name = f"{first_name} {last_name}".strip()
    if name and company:
        return f"{name} ({company})"
    return name or company


def _detail_label(key: str) -> str:
    """« Autre adresse », « Autre no DMS »… in the site's language: a stored key reads the same to everyone."""
    with override(settings.LANGUAGE_CODE):
        name = str(ADDRESS if key == "address" else Customer._meta.get_field(key).verbose_name)
        return str(OTHER_VALUE % {"field": name[:1].lower() + name[1:]})


def _put_detail(added: dict, existing: dict, key: str, value: str) -> None:
    """`value` under `key`, or `key (2)`, `key (3)`… when the key holds another value; nothing when it
    already holds this one."""
    key, value = str(key)[:90], str(value)[:1000]
    for number in count(1):
        candidate = key if number == 1 else f"{key} ({number})"
        current = added.get(candidate, existing.get(candidate))
        if current is None:
            added[candidate] = value
            return
        if current == value:
            return


# --- The plan -------------------------------------------------------------------------------------

@dataclass
class FieldChoice:
    key: str
    label: str
    survivor: str
    other: str
    choosable: bool  # both records have a value and they differ
    default: str
    chosen: str
    survivor_status: str = ""  # for the email row: its check or cross
    other_status: str = ""

    @property
    def same(self) -> bool:
        return self.survivor == self.other


@dataclass
class MergePlan:
    rows: list[FieldChoice]
    shown: dict  # attname → the value the kept record shows
    new_aliases: list[tuple[str, str, str]]
    aliases_moved: list[int]
    new_emails: list[tuple[str, str]]
    emails_moved: list[int]
    phones_moved: list[int]
    details_added: dict[str, str]
    tags_added: list[int]
    unsubscribe: bool
    other_names: list[str] = field(default_factory=list)  # every other name the kept record will have
    other_emails: list[tuple[str, str]] = field(default_factory=list)  # (email, status)
    phones: list[CustomerPhone] = field(default_factory=list)
    tags: list = field(default_factory=list)

    @property
    def choices(self) -> dict[str, str]:
        """What was chosen where there was a choice."""
        return {row.key: row.chosen for row in self.rows if row.choosable}


def merge_keep_check(keep: dict | None) -> dict[str, str]:
    """The user's choices, {key: "survivor" | "other"}; an unknown key or side is refused on its field."""
    keep = dict(keep or {})
    for key, side in keep.items():
        if key not in CHOICE_KEYS:
            raise ApplicationError(UNKNOWN_CHOICE % {"key": key, "keys": ", ".join(CHOICE_KEYS)},
                                   field=f"keep.{key}")
        if side not in SIDES:
            raise ApplicationError(BAD_SIDE, field=f"keep.{key}")
    return keep


def merge_plan(survivor: Customer, other: Customer, keep: dict | None = None) -> MergePlan:
    """What merging `other` into `survivor` does: the value the kept record shows for each choice
    (`keep` where both have a different one, else the default), and where every value not shown stays
    (other names, other emails, phones, « Autre … » details, tags). Reads, writes nothing."""
    keep = merge_keep_check(keep)
    rows, shown = [], {}
    for key in CHOICE_KEYS:
        mine, theirs = _value(survivor, key), _value(other, key)
        choosable = bool(mine) and bool(theirs) and mine != theirs
        default = _default(key, survivor, other)
        chosen = keep.get(key, default) if choosable else default
        source = survivor if chosen == SURVIVOR else other
        shown.update({name: getattr(source, name) for name in attnames(key)})
        rows.append(FieldChoice(key=key, label=_label(key), survivor=_shown(survivor, key), other=_shown(other, key),
                                choosable=choosable, default=default, chosen=chosen,
                                survivor_status=survivor.email_status if key == "email" else "",
                                other_status=other.email_status if key == "email" else ""))

    # Names: a record whose name is not wholly shown keeps it as another name.
    shown_name = tuple(shown[name] for name in NAME_FIELDS)
    survivor_aliases = list(survivor.aliases.all())
    known = {shown_name, *(_triple(alias) for alias in survivor_aliases)}
    new_aliases, aliases_moved, names = [], [], [name_text(*_triple(alias)) for alias in survivor_aliases]
    for record in (survivor, other):
        triple = _triple(record)
        if any(value and value != kept for value, kept in zip(triple, shown_name)) and triple not in known:
            new_aliases.append(triple)
            known.add(triple)
            names.append(name_text(*triple))
    for alias in other.aliases.all():
        if _triple(alias) not in known:  # one already known stays on the merged record: nothing is lost
            aliases_moved.append(alias.pk)
            known.add(_triple(alias))
            names.append(name_text(*_triple(alias)))

    # Emails: a real address not shown becomes a secondary one, with its status (a bounced one stays bounced).
    shown_email = shown["email"] if shown["email_status"] in REAL_EMAIL else ""
    survivor_emails = list(survivor.other_emails.all())
    known_emails = {shown_email, *(row.email for row in survivor_emails)} - {""}
    emails = [(row.email, row.email_status) for row in survivor_emails]
    new_emails, emails_moved = [], []
    for record in (survivor, other):
        if record.email_status in REAL_EMAIL and record.email and record.email not in known_emails:
            new_emails.append((record.email, record.email_status))
            known_emails.add(record.email)
            emails.append((record.email, record.email_status))
    for row in other.other_emails.all():
        if row.email not in known_emails:
            emails_moved.append(row.pk)
            known_emails.add(row.email)
            emails.append((row.email, row.email_status))

    # Phones: all kept; the same number and extension twice is kept once (the other record keeps its row).
    phones = list(survivor.phones.all())
    known_phones = {(phone.e164, phone.extension) for phone in phones}
    phones_moved = []
    for phone in other.phones.all():
        if (phone.e164, phone.extension) not in known_phones:
            phones_moved.append(phone.pk)
            known_phones.add((phone.e164, phone.extension))
            phones.append(phone)

    # Values with no row of their own: the one not shown goes into the details, as does the other's details.
    details_added: dict[str, str] = {}
    for row in rows:
        if row.key in DETAIL_KEYS and row.choosable:
            hidden = row.other if row.chosen == SURVIVOR else row.survivor
            _put_detail(details_added, survivor.details, _detail_label(row.key), hidden)
    for key, value in (other.details or {}).items():
        _put_detail(details_added, survivor.details, key, value)

    tags = list(survivor.tags.all())
    have = {tag.pk for tag in tags}
    added = [tag for tag in other.tags.all() if tag.pk not in have]
    return MergePlan(
        rows=rows, shown=shown, new_aliases=new_aliases, aliases_moved=aliases_moved, new_emails=new_emails,
        emails_moved=emails_moved, phones_moved=phones_moved, details_added=details_added,
        tags_added=[tag.pk for tag in added], unsubscribe=other.unsubscribed and not survivor.unsubscribed,
        other_names=names, other_emails=emails, phones=phones, tags=tags + added,
    )


def merge_child_relations() -> list:
    """Every relation by which a row of another model points at a customer (foreign keys and
    many-to-many), but the rows a merge handles itself. Walking `_meta.related_objects` means a model
    added later is moved, and moved back, without the merge changing."""
    return [relation for relation in Customer._meta.related_objects if relation.related_model not in OWN_ROWS]


def merge_child_rows(relation, customer: Customer) -> tuple[QuerySet, str]:
    """The rows by which `relation` points at `customer`, and the column naming the customer (for a
    many-to-many, the rows of its through table)."""
    if relation.many_to_many:
        column = relation.field.m2m_reverse_field_name()
        return relation.through._base_manager.filter(**{column: customer}), column
    return relation.related_model._base_manager.filter(**{relation.field.name: customer}), relation.field.name


def merge_moving_counts(other: Customer) -> list[tuple[str, int]]:
    """What moves to the kept record, per kind of row (« Opportunités : 2 »), its history included."""
    counts = []
    for relation in merge_child_relations():
        model = relation.related_model
        rows, _column = merge_child_rows(relation, other)
        number = rows.count()
        if number:
            counts.append((capfirst(model._meta.verbose_name_plural), number))
    history = timeline_for(other).count()
    if history:
        counts.append((_("Historique"), history))
    return counts


def customer_merge_preview(*, actor, customer_id, other_id, keep: dict | None = None) -> dict:
    """The comparison page: both records (each one the actor may see, else 404), the plan with the
    defaults or the choices made so far, and what moves."""
    customer = customer_get(actor=actor, pk=customer_id)
    other = customer_get(actor=actor, pk=other_id)
    if customer.pk == other.pk:
        raise ApplicationError(SELF_MERGE, field="other_id")
    return {"customer": customer, "other": other, "plan": merge_plan(customer, other, keep),
            "moving": merge_moving_counts(other)}


# --- Merges done ----------------------------------------------------------------------------------

def _seen(actor, prefix: str) -> Q:
    """core.permissions.can_see_customer as a filter, for records merged or not (a merged record is
    in no customer list, but its merges are the history of the record it went into)."""
    if permissions.can_see_all_customers(actor):
        return Q()
    if not permissions.has_capability(actor, "work_own"):
        return Q(pk__in=[])
    return Q(**{f"{prefix}__salesperson": actor}) | Q(**{f"{prefix}__salesperson__isnull": True})


def customer_merge_list(*, actor, customer=None) -> QuerySet:
    """Merges the actor may see (both records), newest first; with `customer`, those it took part in,
    kept or merged (404 for a customer the actor may not see)."""
    merges = CustomerMerge.objects.select_related("survivor", "merged", "actor", "undone_by").filter(
        _seen(actor, "survivor"), _seen(actor, "merged"))
    if customer is not None:
        record = Customer.objects.filter(pk=customer).first() if is_small_id(customer) else None
        if record is None or not permissions.can_see_customer(actor, record):
            raise NotFound()
        merges = merges.filter(Q(survivor=record) | Q(merged=record))
    return merges.order_by("-created_at", "-pk")


def customer_merge_get(*, actor, pk) -> CustomerMerge:
    merge = customer_merge_list(actor=actor).filter(pk=pk).first() if is_small_id(pk) else None
    if merge is None:
        raise NotFound()
    return merge


def merge_undo_until(merge: CustomerMerge) -> datetime:
    return merge.created_at + timedelta(days=settings.COMPTOIR_MERGE_UNDO_DAYS)


def merge_undo_refusal(actor, merge: CustomerMerge, *, now: datetime | None = None) -> ApplicationError | None:
    """Why `actor` may not undo `merge` now (the error the undo raises), or None when they may.
    DESIGN: a manager can undo a merge for 30 days (COMPTOIR_MERGE_UNDO_DAYS)."""
    if not permissions.can_undo_merge(actor):
        return Forbidden(UNDO_FORBIDDEN)
    if merge.undone_at is not None:
        return Conflict(UNDO_ALREADY, code="merge_undone")
    if (now or timezone.now()) > merge_undo_until(merge):
        days = settings.COMPTOIR_MERGE_UNDO_DAYS
        date = formats.date_format(timezone.localtime(merge.created_at), "DATE_FORMAT")
        return Conflict(UNDO_TOO_LATE % {"days": days, "date": date}, code="merge_undo_expired")
    if merge.survivor.merged_into_id is not None or merge.merged.merged_into_id != merge.survivor_id:
        return Conflict(UNDO_STALE, code="stale")
    return None


@dataclass
class MergeRow:
    merge: CustomerMerge
    kept: bool  # this card is the record kept (else the one merged, since restored)
    can_undo: bool
    undo_until: datetime


def customer_merge_panel(*, actor, customer: Customer) -> dict:
    """The card's section: the other names and emails the record keeps, the details its merges added
    (« Autre adresse »…), and the merges it took part in, each with whether the actor may undo it now."""
    merges = list(customer_merge_list(actor=actor, customer=customer.pk)[:20])
    now = timezone.now()
    added = {key for merge in merges if merge.survivor_id == customer.pk and merge.undone_at is None
             for key in merge.moved.get("details_added", {})}
    return {
        "aliases": [name_text(*_triple(alias)) for alias in customer.aliases.all()],
        "other_emails": list(customer.other_emails.all()),
        "details": [(key, value) for key, value in customer.details.items() if key in added],
        "merges": [MergeRow(merge=merge, kept=merge.survivor_id == customer.pk,
                            can_undo=merge_undo_refusal(actor, merge, now=now) is None,
                            undo_until=merge_undo_until(merge)) for merge in merges],
    }
