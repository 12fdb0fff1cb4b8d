"""The authorization matrix: every operation of the API × every role × a record of one's own and one of
another salesperson's, each asserting the status the rules give: allowed (2xx), 403 (the role may not),
404 (a record the user may not see). A new operation fails the completeness test until it is added.

Each request runs inside a savepoint rolled back afterwards, so every cell starts from the same world."""

import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from comptoir.accounts.tests.factories import UserFactory
from comptoir.conftest import ApiClient, issue_token

ROLES = ("salesperson", "sales_manager", "reception", "admin")
OWN, OTHER = "own", "other"
PUBLIC = {"POST /auth/token", "POST /public/web-form/{key}", "POST /public/email-events/{provider}"}


@dataclass
class Rule:
    """The expected status by role: 'ok', 403 or 404; a pair is (own record, another's record)."""

    method: str
    path: str
    expect: dict
    body: object = None  # a dict, or a callable(world, side) giving one

    def expected(self, role: str, side: str):
        value = self.expect[role]
        return value[side == OTHER] if isinstance(value, tuple) else value


def everyone(value="ok"):
    return {role: value for role in ROLES}


def only(*roles, otherwise=403):
    return {role: "ok" if role in roles else otherwise for role in ROLES}


def owned(salesperson=("ok", 404), **others):
    """A salesperson works their own records and sees no one else's; the others see all by default."""
    return {"salesperson": salesperson, "sales_manager": "ok", "reception": "ok", "admin": "ok", **others}


class World:
    """Users of each role, and for the salesperson and a rival each: a customer, a lead, an opportunity
    with an accepted quote and its contract, a task, a message, an import and a bulk send."""

    def __init__(self):
        from comptoir.activities.services import task_create
        from comptoir.attachments.services import attachment_add
        from comptoir.catalog.services import inventory_unit_save, price_list_save, product_create
        from comptoir.customers.services import customer_create
        from comptoir.imports.services import import_upload
        from comptoir.leads.services import lead_create, web_form_create
        from comptoir.messaging.services import bulk_send, message_send, template_create
        from comptoir.quotes.services import contract_create, quote_create, quote_variant_accept
        from comptoir.sales.models import Pipeline
        from comptoir.sales.services import opportunity_create, pipeline_create

        self.users = {role: UserFactory(role=role, **({"department": None} if role == "reception" else {}))
                      for role in ROLES}
        self.rival = UserFactory(role="salesperson")
        self.tokens = {role: issue_token(user) for role, user in self.users.items()}
        admin = self.users["admin"]
        self.pipeline = pipeline_create(actor=admin, name="Neufs", prefix="VN", stages=["Nouveau", "Essai"])
        # Issue 23: here accepting only prices the deal, so the deals stay open with their accepted quote; in
        # the second pipeline accepting wins (the default), under the status rules.
        Pipeline.objects.filter(pk=self.pipeline.pk).update(accept_wins=False)
        self.winning = pipeline_create(actor=admin, name="Usagés", prefix="VU", stages=["Nouveau"])
        self.product = product_create(actor=admin, code="OUT-700", name="Outlander", unit_price="12999.99",
                                      unit_cost="10400.00")
        self.price_list = price_list_save(actor=admin, name="Prix 2026", items=[])
        self.unit = inventory_unit_save(actor=admin, serial="3JBLGAT46RJ000001", make="Can-Am", model="Outlander")
        self.template = template_create(actor=admin, name="Relance", subject="Bonjour", body="Bonjour")
        self.web_form = web_form_create(actor=admin, name="Site")
        self.records = {}
        for side, owner in ((OWN, self.users["salesperson"]), (OTHER, self.rival)):
            customer = customer_create(actor=owner, first_name="Julie", last_name=f"Roy-{side}",
                                       email=f"julie.{side}@exemple.ca")
            deal = opportunity_create(actor=owner, customer=customer.pk, pipeline=self.pipeline.pk)
            line = {"description": "Outlander", "quantity": "1", "unit_price": "100", "unit_cost": "80"}
            quote = quote_create(actor=owner, opportunity_id=deal.pk, variants=[{"name": "A", "lines": [line]},
                                                                                  {"name": "B", "lines": [line]}])
            variant, draft = quote.variants.order_by("position", "pk")
            quote_variant_accept(actor=owner, quote_id=quote.pk, variant_id=variant.pk)
            contract = contract_create(actor=owner, opportunity_id=deal.pk, variant=variant.pk)
            to_win = opportunity_create(actor=owner, customer=customer.pk, pipeline=self.winning.pk)
            winning_quote = quote_create(actor=owner, opportunity_id=to_win.pk, variants=[{"name": "A", "lines": [line]}])
            lead = lead_create(actor=owner, first_name="Marc", last_name=f"Côté-{side}", email=f"marc.{side}@exemple.ca")
            task = task_create(actor=owner, title="Rappeler", due_at=timezone.now() + timedelta(days=1),
                               customer=customer.pk)
            message = message_send(actor=owner, customer=customer.pk, subject="Bonjour", body="Bonjour")
            job = import_upload(actor=owner, kind="customers",
                                upload=SimpleUploadedFile("clients.csv", b"prenom,nom\nJean,Roy\n"))
            bulk = bulk_send(actor=owner, template_id=self.template.pk, target="customers", ids=[customer.pk])
            attachment = attachment_add(actor=owner, customer=customer.pk, upload=SimpleUploadedFile(
                "permis.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"))
            self.records[side] = {
                "customer": customer.pk, "opportunity": deal.pk, "quote": quote.pk, "variant": variant.pk,
                "contract": contract.pk, "draft": draft.pk, "lead": lead.pk, "task": task.pk, "message": message.pk, "job": job.pk,
                "bulk": bulk.pk, "user": owner.pk, "attachment": attachment.pk,
                "winning_quote": winning_quote.pk, "winning_variant": winning_quote.variants.get().pk,
            }
        self.records[OWN]["unused_customer"] = customer_create(actor=self.users["salesperson"], last_name="Double").pk
        self.records[OTHER]["unused_customer"] = customer_create(actor=self.rival, last_name="Double").pk
        from comptoir.customers.services import customer_merge

        for side, owner in ((OWN, self.users["salesperson"]), (OTHER, self.rival)):
            kept = customer_merge(actor=owner, customer_id=customer_create(actor=owner, last_name="Gardée").pk,
                                  other_id=customer_create(actor=owner, last_name="Fusionnée").pk)
            self.records[side]["merge"] = kept.merges_kept.get().pk
        from comptoir.walkins.services import walk_in_record

        for side in (OWN, OTHER):
            self.records[side]["walk_in"] = walk_in_record(
                actor=self.users["reception"], customer=self.records[side]["customer"],
                salesperson=self.records[side]["user"]).pk
        from comptoir.accounts.models import Department, Location
        from comptoir.core.models import Competitor, LostReason, Media, Source, Tag, TaskType

        Location.objects.get_or_create(name="Sherbrooke")
        Competitor.objects.get_or_create(name="Marine Lévis")
        Tag.objects.get_or_create(name="VIP")
        self.items = {name: model.objects.order_by("pk").first().pk for name, model in (
            ("departments", Department), ("locations", Location), ("media", Media), ("sources", Source),
            ("tags", Tag), ("lost-reasons", LostReason), ("task-types", TaskType), ("competitors", Competitor))}
        self.spare_template = template_create(actor=admin, name="Inutilisé", subject="Bonjour", body="Bonjour")
        from comptoir.desk.services import Desk, desk_sheet_save, item_save, program_save

        self.program = program_save(actor=admin, values={"lender": "Desjardins", "name": "Neufs", "kind": "finance"},
                                    terms=[{"term": 60, "apr": "5.99"}])
        self.desk_item = item_save(actor=admin, values={"kind": "fee", "name": "Transport", "price": "995"})
        for side, owner in ((OWN, self.users["salesperson"]), (OTHER, self.rival)):
            desk = Desk(description="Outlander", unit=None, selling_price=100, msrp=100, unit_cost=80,
                        accessories=[], trade_in={}, items=[], cash_downs=[0], finance_program=self.program,
                        lease_program=None, finance_terms=[60], lease_terms=[], finance_apr=None, lease_apr=None,
                        frequency="monthly", kilometres=16000)
            self.records[side]["sheet"] = desk_sheet_save(actor=owner, opportunity_id=self.records[side][
                "opportunity"], desk=desk).pk

    def ids(self, side: str) -> dict:
        return {**self.records[side], "product": self.product.pk, "price_list": self.price_list.pk,
                "unit": self.unit.pk, "template": self.template.pk, "spare_template": self.spare_template.pk,
                **{f"item_{name.replace('-', '_')}": pk for name, pk in self.items.items()},
                "program": self.program.pk, "desk_item": self.desk_item.pk,
                "pipeline": self.pipeline.pk, "stage": self.pipeline.stages.get(name="Essai").pk,
                "key": self.web_form.key, "external_id": "DMS-9"}


def _customer_body(w, side):
    return {"first_name": "Nouveau", "last_name": "Client", "email": "nouveau@exemple.ca"}


RULES = [
    # Authentication and the signed-in user
    Rule("DELETE", "/auth/token", everyone(204)),
    Rule("GET", "/me", everyone()),
    Rule("GET", "/me/calendar", everyone()),
    Rule("POST", "/me/calendar/reset", everyone()),
    # Users and reference lists
    Rule("GET", "/users", everyone()),
    Rule("POST", "/users", only("admin"), {"username": "nouveau", "password": "Un-mot-de-passe-42"}),
    Rule("GET", "/users/{user}", everyone()),
    Rule("PATCH", "/users/{user}", {"salesperson": ("ok", 403), "sales_manager": 403, "reception": 403,
                                    "admin": "ok"}, {"first_name": "Nom"}),
    Rule("POST", "/users/{user}/photo", {"salesperson": ("ok", 403), "sales_manager": 403, "reception": 403,
                                         "admin": "ok"}),
    *[Rule(method, f"/{name}{suffix}", expect, body)
      for name in ("departments", "locations", "media", "sources", "tags", "lost-reasons", "task-types",
                   "competitors")
      for method, suffix, expect, body in (
          ("GET", "", everyone(), None),
          ("POST", "", only("admin"), {"name": "Nouvelle entrée"}),
          ("GET", f"/{{item_{name.replace('-', '_')}}}", everyone(), None),
          ("PATCH", f"/{{item_{name.replace('-', '_')}}}", only("admin"), {"position": 3}))],
    Rule("GET", "/settings", everyone()),
    Rule("PATCH", "/settings", only("admin"), {"margin_warning_pct": "11"}),
    Rule("POST", "/settings/logo", only("admin")),
    Rule("DELETE", "/settings/logo", only("admin")),
    Rule("GET", "/audit", only("admin")),
    Rule("GET", "/web-forms", only("admin")),
    Rule("POST", "/web-forms", only("admin"), {"name": "Salon"}),
    # Customers
    Rule("GET", "/customers", everyone()),
    Rule("POST", "/customers", everyone(), _customer_body),
    Rule("GET", "/customers/{customer}", owned()),
    Rule("PATCH", "/customers/{customer}", owned(), {"city": "Sherbrooke"}),
    Rule("GET", "/customers/{customer}/duplicates", owned()),
    # Issue 22: anyone who enters customers checks what they type, among the customers they may see; the
    # list's counts and export follow the list's visibility.
    Rule("GET", "/customers/duplicates-check?phone=819%20555%200142&last_name=Roy", everyone()),
    Rule("GET", "/customers/facets?email_status=valid", everyone()),
    Rule("GET", "/customers/export?format=csv", everyone()),
    Rule("POST", "/customers/{customer}/merge", owned(),
         lambda w, side: {"other_id": w.records[side]["unused_customer"]}),
    Rule("POST", "/customers/{customer}/notes", owned(), {"body": "Rappeler jeudi"}),
    # Merges: seen with both records; undone by a manager or an admin only.
    Rule("GET", "/merges", everyone()),
    Rule("GET", "/merges?customer={customer}", owned()),
    Rule("POST", "/merges/{merge}/undo", {"salesperson": (403, 404), "sales_manager": "ok", "reception": 403,
                                          "admin": "ok"}),
    Rule("GET", "/customers/{customer}/timeline", owned()),
    Rule("GET", "/analytics/conversion", everyone()),
    Rule("GET", "/analytics/email-ratio", everyone()),
    Rule("GET", "/analytics/plan?target_sales=5", everyone()),
    # Leads
    Rule("GET", "/leads", everyone()),
    Rule("POST", "/leads", everyone(), {"first_name": "Nouvelle", "last_name": "Piste"}),
    Rule("GET", "/leads/{lead}", owned()),
    Rule("PATCH", "/leads/{lead}", owned(), {"city": "Magog"}),
    Rule("POST", "/leads/{lead}/convert", owned(), {"create_anyway": True}),
    # Pipelines, opportunities, quotes, contracts
    Rule("GET", "/pipelines", everyone()),
    Rule("POST", "/pipelines", only("sales_manager", "admin"),
         {"name": "Bateaux", "prefix": "BA", "stages": ["Nouveau"]}),
    Rule("GET", "/pipelines/{pipeline}", everyone()),
    Rule("PATCH", "/pipelines/{pipeline}", only("sales_manager", "admin"), {"name": "Neufs 2026"}),
    Rule("POST", "/pipelines/{pipeline}/stages", only("sales_manager", "admin"), {"name": "Livraison"}),
    Rule("PATCH", "/pipelines/{pipeline}/stages/{stage}", only("sales_manager", "admin"), {"name": "Essai routier"}),
    Rule("POST", "/pipelines/{pipeline}/stages/order", only("sales_manager", "admin"),
         lambda w, side: {"stages": list(w.pipeline.stages.order_by("-order").values_list("pk", flat=True))}),
    # « Essai » holds no deal: removed (the world's deals sit in « Nouveau », which could not be).
    Rule("DELETE", "/pipelines/{pipeline}/stages/{stage}", only("sales_manager", "admin")),
    Rule("GET", "/opportunities", everyone()),
    Rule("POST", "/opportunities", everyone(),
         lambda w, side: {"customer": w.records[OWN]["customer"], "pipeline": w.pipeline.pk}),
    Rule("GET", "/opportunities/{opportunity}", owned()),
    Rule("PATCH", "/opportunities/{opportunity}", owned(), {"product": "Outlander 700"}),
    # Issue 23: an assigner gives a deal to another salesperson; a salesperson may not, even their own.
    Rule("PATCH", "/opportunities/{opportunity}", owned(salesperson=(403, 404)),
         lambda w, side: {"salesperson": w.users["sales_manager"].pk}),
    # The world's deals were priced by an accepted variant: their amount changes through a quote, for everyone.
    Rule("PATCH", "/opportunities/{opportunity}", {"salesperson": (422, 404), "sales_manager": 422, "reception": 422,
                                                   "admin": 422}, {"amount": "150.00"}),
    # Reception enters deals for others, and the status matrix gives it no status change.
    Rule("POST", "/opportunities/{opportunity}/status", owned(reception=403), {"status": "suspended"}),
    Rule("GET", "/opportunities/{opportunity}/quotes", owned()),
    Rule("POST", "/opportunities/{opportunity}/quotes", owned(), {"variants": [{"name": "B", "lines": [
        {"description": "Casque", "quantity": "1", "unit_price": "349", "unit_cost": "190"}]}]}),
    Rule("POST", "/opportunities/{opportunity}/contract", owned(),
         lambda w, side: {"variant": w.records[side]["variant"]}),
    Rule("GET", "/quotes/{quote}", owned()),
    Rule("POST", "/quotes/{quote}/variants/{draft}/accept", owned()),
    # Where accepting wins the deal, the win's rules apply: reception may not win, so it may not accept.
    Rule("POST", "/quotes/{winning_quote}/variants/{winning_variant}/accept", owned(reception=403)),
    Rule("GET", "/quotes/{quote}/variants/{variant}/preview", owned()),
    Rule("GET", "/quotes/{quote}/variants/{variant}/pdf", owned()),
    Rule("POST", "/quotes/{quote}/variants/{variant}/send", owned(), {}),
    Rule("GET", "/quotes/contracts/{contract}", owned()),
    Rule("GET", "/quotes/contracts/{contract}/pdf", owned()),
    # Issue 26: the desk. Anyone computes; a deal's sheets follow the deal; programs are read by managers
    # and written by admins, as are fees, F&I products and rebates (read by everyone, their costs not).
    Rule("POST", "/desking/calculate", everyone(), {"selling_price": "100", "cash_down": ["0"], "terms": [60],
                                                     "finance_apr": "5"}),
    Rule("GET", "/opportunities/{opportunity}/desk-sheets", owned()),
    Rule("POST", "/opportunities/{opportunity}/desk-sheets", owned(), {"selling_price": "100", "cash_downs": ["0"]}),
    Rule("GET", "/opportunities/{opportunity}/desk-sheets/{sheet}/worksheet.pdf", owned()),
    Rule("POST", "/opportunities/{opportunity}/desk-sheets/{sheet}/send", owned(), {"to": "julie.roy@videotron.ca"}),
    Rule("GET", "/lender-programs", only("sales_manager", "admin")),
    Rule("POST", "/lender-programs", only("admin"), {"lender": "TD", "name": "Auto", "kind": "finance"}),
    Rule("GET", "/lender-programs/{program}", only("sales_manager", "admin")),
    Rule("PATCH", "/lender-programs/{program}", only("admin"), {"active": False}),
    Rule("GET", "/desk-items", everyone()),
    Rule("POST", "/desk-items", only("admin"), {"kind": "product", "name": "Antirouille", "price": "549"}),
    Rule("PATCH", "/desk-items/{desk_item}", only("admin"), {"price": "1095"}),
    # Catalogue
    *[Rule(method, path, expect, body) for method, path, expect, body in (
        ("GET", "/products", everyone(), None),
        ("POST", "/products", only("admin"), {"code": "CASQUE", "name": "Casque", "unit_price": "349"}),
        ("GET", "/products/{product}", everyone(), None),
        ("PATCH", "/products/{product}", only("admin"), {"name": "Outlander 700"}),
        ("DELETE", "/products/{product}", only("admin"), None),
        ("GET", "/price-lists", everyone(), None),
        ("POST", "/price-lists", only("admin"), {"name": "Prix 2027"}),
        ("PATCH", "/price-lists/{price_list}", only("admin"), {"name": "Prix 2026 bis"}),
        ("DELETE", "/price-lists/{price_list}", only("admin"), None),
        # Issue 23: what a quote line may sell, for everyone signed in (a unit's cost for managers only)
        ("GET", "/sellables?q=outlander", everyone(), None),
        ("GET", "/inventory-units", everyone(), None),
        ("POST", "/inventory-units", only("admin"), {"serial": "3JBLGAT48RJ000002"}),
        ("GET", "/inventory-units/{unit}", everyone(), None),
        ("PATCH", "/inventory-units/{unit}", only("admin"), {"lot_location": "A-12"}),
        ("POST", "/inventory-units/{unit}/move", everyone(), {"lot_location": "B-7"}),
        ("GET", "/inventory-units/{unit}/locations", everyone(), None),
        ("GET", "/inventory-units/{unit}/opportunities", everyone(), None),
        ("PUT", "/inventory/{external_id}", only("admin"), {"serial": "HULL-AUTH-1"}),
        ("DELETE", "/inventory-units/{unit}", only("admin"), None))],
    # Attachments: a file follows its card's visibility; its uploader, a manager or an admin deletes it.
    Rule("GET", "/attachments", everyone()),
    Rule("GET", "/attachments?customer={customer}", owned()),
    Rule("POST", "/attachments", owned(), lambda w, side: {"customer": w.records[side]["customer"]}),
    Rule("GET", "/attachments/{attachment}", owned()),
    Rule("GET", "/attachments/{attachment}/file", owned()),
    Rule("DELETE", "/attachments/{attachment}", owned(reception=403)),
    Rule("POST", "/attachments/{attachment}/share", owned(), {}),
    # Walk-ins: reception, managers and admins record for anyone, a salesperson for themselves; a salesperson
    # sees the walk-ins they serve.
    Rule("GET", "/walk-ins", everyone()),
    Rule("POST", "/walk-ins", owned(salesperson=("ok", 403)),
         lambda w, side: {"new_customer": {"first_name": "Passant", "last_name": "Magasin"},
                          "salesperson": w.records[side]["user"]}),
    Rule("GET", "/walk-ins/{walk_in}", owned()),
    Rule("PATCH", "/walk-ins/{walk_in}", owned(), {"notes": "Revient samedi"}),
    Rule("GET", "/analytics/showroom", everyone()),
    # Activities
    Rule("GET", "/tasks", everyone()),
    Rule("POST", "/tasks", everyone(), {"title": "Rappeler", "due_at": "2030-01-01T10:00:00-05:00"}),
    # Reception gives no task and sees none: the salespeople's tasks are theirs and their managers'.
    Rule("PATCH", "/tasks/{task}", owned(reception=404), {"title": "Rappeler demain"}),
    Rule("POST", "/tasks/{task}/complete", owned(reception=404), {}),
    # Messaging
    Rule("GET", "/messages/inbox", everyone()),
    Rule("GET", "/messages/inbox?user={user}", {"salesperson": ("ok", 403), "sales_manager": "ok", "reception": 403,
                                                 "admin": "ok"}),
    Rule("GET", "/messages/inbox/count", everyone()),
    Rule("POST", "/messages/{message}/unread", owned()),
    Rule("GET", "/message-templates", everyone()),
    Rule("POST", "/message-templates", only("admin"), {"name": "Nouveau", "subject": "Bonjour", "body": "Bonjour"}),
    Rule("GET", "/message-templates/{template}", everyone()),
    Rule("PATCH", "/message-templates/{template}", only("admin"), {"body": "Bonjour !"}),
    Rule("DELETE", "/message-templates/{spare_template}", only("admin")),
    Rule("GET", "/messages", everyone()),
    Rule("POST", "/messages", owned(),
         lambda w, side: {"customer": w.records[side]["customer"], "subject": "Bonjour", "body": "Bonjour"}),
    Rule("POST", "/messages/preview", everyone(),
         lambda w, side: {"template": w.template.pk, "customers": [w.records[side]["customer"]]}),
    # Another's customer is skipped as not found: nobody left to send to (422), nothing about them said.
    Rule("POST", "/messages/bulk", owned(salesperson=("ok", 422)),
         lambda w, side: {"template": w.template.pk, "customers": [w.records[side]["customer"]]}),
    Rule("GET", "/messages/bulk/{bulk}", owned(reception=404)),
    Rule("GET", "/messages/{message}", owned()),
    Rule("POST", "/messages/{message}/read", owned(), {}),
    # Imports
    Rule("GET", "/imports", everyone()),
    Rule("POST", "/imports", everyone()),
    Rule("GET", "/imports/fields?kind=customers", everyone()),
    # An import is its author's (and an admin's); this one was never confirmed, so it does not resume (409).
    Rule("GET", "/imports/{job}", owned(sales_manager=404, reception=404)),
    Rule("GET", "/imports/{job}/errors.csv", owned(sales_manager=404, reception=404)),
    Rule("POST", "/imports/{job}/resume", {"salesperson": (409, 404), "sales_manager": 404, "reception": 404,
                                           "admin": 409}),
]


def _operations() -> set[str]:
    schema = json.loads((Path(__file__).parent / "openapi.json").read_text())
    return {f"{method.upper()} {path.removeprefix('/api/v1')}" for path, methods in schema["paths"].items()
            for method in methods}


def _template(rule: Rule) -> str:
    """The rule's path in the OpenAPI's spelling ({customer} → {customer_id}, ...)."""
    import re

    names = {"draft": "variant_id", "winning_quote": "quote_id", "winning_variant": "variant_id", **{f"item_{n}": "item_id" for n in ("departments", "locations", "media", "sources", "tags",
                                                   "lost_reasons", "task_types", "competitors")},
             "spare_template": "template_id", "key": "key", "variant": "variant_id", "price_list": "price_list_id",
             "unit": "unit_id", "desk_item": "item_id", "job": "job_id", "bulk": "job_id", "external_id": "external_id"}
    path = rule.path.split("?")[0]
    return f"{rule.method} " + re.sub(r"\{(\w+)\}", lambda m: "{" + names.get(m.group(1), f"{m.group(1)}_id") + "}",
                                      path)


def test_every_operation_of_the_api_is_in_the_matrix():
    covered = {_template(rule) for rule in RULES} | PUBLIC
    assert covered == _operations()


def _call(world: World, role: str, side: str, rule: Rule):
    client = ApiClient(world.tokens[role])
    path = rule.path.format(**world.ids(side))
    body = rule.body(world, side) if callable(rule.body) else rule.body
    if rule.method == "GET":
        return client.get(path)
    if rule.method == "DELETE":
        return client.delete(path)
    if path.endswith("/photo") or path == "/settings/logo":
        from comptoir.accounts.tests.test_api import _png

        field = "logo" if path == "/settings/logo" else "photo"
        return client.upload(path, **{field: SimpleUploadedFile(f"{field}.png", _png(), content_type="image/png")})
    if path == "/attachments":
        return client.upload(path, **body, file=SimpleUploadedFile("permis.pdf", b"%PDF-1.4\n%%EOF\n",
                                                                   content_type="application/pdf"))
    if path == "/imports":
        return client.upload(path, kind="customers",
                             file=SimpleUploadedFile("clients.csv", b"prenom,nom\nJean,Roy\n", content_type="text/csv"))
    return getattr(client, rule.method.lower())(path, body if body is not None else {})


def _sides(rule: Rule) -> tuple[str, ...]:
    return (OWN, OTHER) if any(isinstance(v, tuple) for v in rule.expect.values()) or "{" in rule.path else (OWN,)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: f"{rule.method} {rule.path}")
def test_each_role_gets_what_the_rules_give_on_its_own_and_anothers_records(rule, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = World()
    got, want = {}, {}
    for role in ROLES:
        for side in _sides(rule):
            with transaction.atomic():
                response = _call(world, role, side, rule)
                transaction.set_rollback(True)
            status = response.status_code
            got[(role, side)] = "ok" if 200 <= status < 300 else status
            expected = rule.expected(role, side)
            want[(role, side)] = "ok" if expected == "ok" or (isinstance(expected, int) and 200 <= expected < 300) \
                else expected
    assert got == want


def test_every_operation_but_the_public_ones_needs_a_token(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = World()
    anonymous = ApiClient()
    for rule in RULES:
        path = rule.path.format(**world.ids(OWN))
        response = getattr(anonymous, rule.method.lower())(path, *([] if rule.method in ("GET", "DELETE") else [{}]))
        assert response.status_code == 401, f"{rule.method} {rule.path} answered {response.status_code}"
    key = world.web_form.key
    assert anonymous.post(f"/public/web-form/{key}", {"first_name": "Anonyme", "last_name": "Web"}).status_code == 201
    assert anonymous.post("/public/email-events/generic", {"events": []}).status_code == 403  # its signature
