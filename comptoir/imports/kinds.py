"""One handler per kind of import: a batch of rows (service keyword arguments) → one outcome per
row, ("created" | "updated" | "skipped", id) or ("error", ApplicationError). Each calls its app's
services; the handler only turns a file's words (a salesperson's name, a role's label) into what
those services take."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.models import Role, User
from comptoir.accounts.selectors import user_find
from comptoir.accounts.services import user_create, user_update, username_from_name
from comptoir.catalog.models import Product
from comptoir.catalog.selectors import product_match
from comptoir.catalog.services import (
    inventory_mark_missing, inventory_sync_row, product_code_for, product_create, product_update,
)
from comptoir.core.exceptions import ApplicationError
from comptoir.core.figures import moment_clean
from comptoir.core.text import normalize
from comptoir.customers.models import Channel, Customer, CustomerPhone
from comptoir.desk.services import program_term_import
from comptoir.customers.services import Lookups, customers_draft, customers_import
from comptoir.leads.models import Lead
from comptoir.leads.services import lead_create
from comptoir.sales.services import opportunities_import

UNKNOWN_USER = _("Utilisateur introuvable : « %(value)s ».")
BAD_ROLE = _("Rôle inconnu : « %(value)s » (vendeur, directeur des ventes, réception ou administrateur).")

ROLE_WORDS = {normalize(w): role for role, words in {
    Role.SALESPERSON: ["salesperson", "vendeur", "vendeuse", "sales agent", "conseiller", "sprzedawca"],
    Role.SALES_MANAGER: ["sales_manager", "sales manager", "directeur des ventes", "directeur", "directrice",
                         "manager", "gestionnaire", "kierownik"],
    Role.RECEPTION: ["reception", "bdc", "accueil", "receptionist", "recepcja"],
    Role.ADMIN: ["admin", "administrateur", "administrator", "administratorka"],
}.items() for w in words}


class Handler:
    grown_models: tuple = ()  # the tables this kind fills, whose statistics an import refreshes

    def __init__(self, job):
        self.job = job
        self.actor = job.created_by
        self.lookups = Lookups(self.actor)

    def user_id(self, value, field: str):
        """A user named by id, username, email or full name → their id (once per distinct value)."""
        def find():
            user = user_find(value)
            if user is None:
                raise ApplicationError(UNKNOWN_USER % {"value": value}, field=field)
            return user.pk
        return self.lookups.remember(("user", value), find)

    def users_named(self, rows, prepare=None) -> tuple[list, dict]:
        """(index, row) of the rows whose salesperson names a user (now their id), and the outcome of
        those naming nobody known, refused here. `prepare` adjusts a row first."""
        ready, outcomes = [], {}
        for index, row in enumerate(rows):
            if prepare:
                prepare(row)
            try:
                if "salesperson" in row:
                    row["salesperson"] = self.user_id(row["salesperson"], "salesperson")
            except ApplicationError as error:
                outcomes[index] = ("error", error)
                continue
            ready.append((index, row))
        return ready, outcomes

    def in_bulk(self, rows, service, prepare=None, ready=None, **extra) -> list:
        """Rows whose salesperson names a user go to `service` in one call (a bulk service of the
        app); a row naming nobody known is refused here (users_named, unless `ready` has its answer)."""
        ready, outcomes = ready or self.users_named(rows, prepare)
        results = service(actor=self.actor, rows=[r for _i, r in ready], lookups=self.lookups,
                          on_duplicate=self.job.on_duplicate, job_id=self.job.pk, **extra)
        outcomes = {**outcomes, **{index: result for (index, _row), result in zip(ready, results)}}
        return [outcomes[i] for i in range(len(rows))]

    def prepare(self, rows):
        """What a batch needs before the database (reading rows, their rules): an import does it for
        the next batch while the database writes this one. Kinds without such a share keep the rows."""
        return rows

    def finish(self) -> None:
        """Called once the whole file is in (not on a dry run)."""

    def each_row(self, rows, create) -> list:
        """Row by row, each in its own savepoint: a refused row leaves nothing behind."""
        outcomes = []
        for row in rows:
            try:
                with transaction.atomic():
                    outcomes.append(create(row))
            except ApplicationError as error:
                outcomes.append(("error", error))
        return outcomes


class PreparedRows(list):
    """A batch's rows with what the handler made of them beforehand (Handler.prepare)."""

    def __init__(self, rows, **made):
        super().__init__(rows)
        self.made = made


class CustomersHandler(Handler):
    @property
    def grown_models(self):
        return (Customer, CustomerPhone)

    def prepare(self, rows):
        """The salespeople named and every rule of each row (customers_draft): Python's whole share."""
        ready, outcomes = self.users_named(rows)
        drafted = customers_draft(actor=self.actor, rows=[r for _i, r in ready], lookups=self.lookups)
        return PreparedRows(rows, ready=(ready, outcomes), drafted=drafted)

    def __call__(self, rows):
        if not isinstance(rows, PreparedRows):
            rows = self.prepare(rows)
        return self.in_bulk(rows, customers_import, ready=rows.made["ready"], drafted=rows.made["drafted"])


class OpportunitiesHandler(Handler):
    def __call__(self, rows):
        def job_defaults(row):
            row.setdefault("pipeline", self.job.options.get("pipeline"))
            if row.get("status") and normalize(row["status"]) == "lost":
                row.setdefault("lost_reason", self.job.options.get("lost_reason"))

        return self.in_bulk(rows, opportunities_import, job_defaults)


class LeadsHandler(Handler):
    """Leads have no duplicate rule of their own yet: a row whose external id is already a lead's
    is skipped (or, with "update", skipped too: leads are edited on their card)."""

    def __call__(self, rows):
        keys = {r.get("external_id") for r in rows} - {None, ""}
        known = set(Lead.objects.filter(external_id__in=keys).values_list("external_id", flat=True)) \
            if keys and self.job.on_duplicate != "create" else set()

        def create(row):
            if row.get("external_id") in known:
                return ("skipped", None)
            if "owner" in row:
                row["owner"] = self.user_id(row["owner"], "owner")
            if "next_contact_at" in row:
                row["next_contact_at"] = moment_clean(row["next_contact_at"], field="next_contact_at")
            lead = lead_create(actor=self.actor, channel=Channel.IMPORT, **row)
            if lead.external_id:
                known.add(lead.external_id)
            return ("created", lead.pk)

        return self.each_row(rows, create)


class ProductsHandler(Handler):
    """A product is known by its code, or by its name (case and spaces ignored) when the file has no code."""

    def __call__(self, rows):
        mode = self.job.on_duplicate

        def create(row):
            row.setdefault("code", product_code_for(row.get("name", "")))
            existing = Product.objects.filter(code__iexact=row["code"]).first() or product_match(row.get("name"))
            if existing is not None and mode == "skip":
                return ("skipped", existing.pk)
            if existing is not None and mode == "update":
                return ("updated", product_update(actor=self.actor, product_id=existing.pk, **row).pk)
            return ("created", product_create(actor=self.actor, **row).pk)

        return self.each_row(rows, create)


class UsersHandler(Handler):
    """A person is known by their username (made from the full name or email when the file has none)."""

    def __call__(self, rows):
        mode = self.job.on_duplicate

        def create(row):
            full_name = row.pop("full_name", None)
            if full_name and not row.get("first_name") and not row.get("last_name"):
                row["first_name"], _space, row["last_name"] = full_name.partition(" ")
            name = f"{row.get('first_name', '')} {row.get('last_name', '')}".strip()
            row.setdefault("username", username_from_name(name or row.get("email", "").partition("@")[0]))
            if "role" in row:
                role = ROLE_WORDS.get(normalize(row["role"]))
                if role is None:
                    raise ApplicationError(BAD_ROLE % {"value": row["role"]}, field="role")
                row["role"] = role
            if "manager" in row:
                row["manager"] = self.user_id(row["manager"], "manager")
            existing = User.objects.filter(username__iexact=row["username"]).first()
            if existing is not None and mode != "update":
                return ("skipped", existing.pk) if mode == "skip" else ("created", user_create(
                    actor=self.actor, password=None, **row).pk)
            if existing is not None:
                return ("updated", user_update(actor=self.actor, user_id=existing.pk, **row).pk)
            return ("created", user_create(actor=self.actor, password=None, **row).pk)

        return self.each_row(rows, create)


class InventoryHandler(Handler):
    """A DMS feed: each unit found by its DMS id, else its serial, and updated (the feed is the
    truth); once the whole file is in, the units earlier feeds delivered and this one did not are
    marked unavailable — unless rows were refused, since a refused row's unit was not seen."""

    def __call__(self, rows):
        started = self.job.started_at

        def create(row):
            outcome, unit = inventory_sync_row(actor=self.actor, synced_at=started, **row)
            return outcome, unit.pk

        return self.each_row(rows, create)

    def finish(self) -> None:
        if self.job.error_count:
            self.job.options = {**self.job.options, "unavailable": None}
        else:
            self.job.options = {**self.job.options, "unavailable": inventory_mark_missing(
                actor=self.actor, synced_before=self.job.started_at)}
        type(self.job).objects.filter(pk=self.job.pk).update(options=self.job.options)


class LenderProgramsHandler(Handler):
    """A lender's rate sheet: each row a program (found by lender, name and kind) and one of its terms,
    added or replaced (desk.services.program_term_import)."""

    def __call__(self, rows):
        def create(row):
            return program_term_import(actor=self.actor, row=row)

        return self.each_row(rows, create)


HANDLERS = {
    "customers": CustomersHandler,
    "leads": LeadsHandler,
    "opportunities": OpportunitiesHandler,
    "products": ProductsHandler,
    "users": UsersHandler,
    "inventory": InventoryHandler,
    "lender_programs": LenderProgramsHandler,
}
