"""Every screen in fr-CA, en and pl, chosen per user (issue 11): the catalogues translate every
string of the code, English and Polish pages show no French, the user's language wins over the
browser's, and money and dates are written the locale's way."""

import ast
import re
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.template import Context, Template
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from comptoir.accounts.models import User
from comptoir.accounts.tests.factories import PASSWORD, LocationFactory, UserFactory
from comptoir.activities.services import task_create
from comptoir.core.exceptions import NOT_FOUND
from comptoir.core.models import SiteSettings
from comptoir.core.selectors import site_settings_forget
from comptoir.customers.tests.factories import make_customer
from comptoir.desk.selectors import desk_opening
from comptoir.desk.services import desk_of, desk_sheet_save, item_save, program_save
from comptoir.leads.services import lead_create
from comptoir.messaging.services import message_send, template_create
from comptoir.messaging.unsubscribe import unsubscribe_token
from comptoir.quotes.services import contract_create, quote_create, quote_variant_accept
from comptoir.sales.services import opportunity_update
from comptoir.sales.tests.factories import make_opportunity, make_pipeline

SOURCE = Path(__file__).resolve().parents[2]  # the comptoir package: what `make messages` reads
LOCALE = SOURCE / "locale"
TRANSLATED = ("en", "pl")


# --- The catalogues ---------------------------------------------------------------------------

@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=list)
    fuzzy: bool = False
    obsolete: bool = False
    references: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple:
        return self.msgctxt, self.msgid, self.msgid_plural

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr) and not self.fuzzy

    def __str__(self) -> str:
        where = f"  ({', '.join(self.references[:2])})" if self.references else ""
        context = f"[{self.msgctxt}] " if self.msgctxt is not None else ""
        return f"{context}{self.msgid!r}{where}"


def _po_string(text: str) -> str:
    return ast.literal_eval(text.strip())  # a PO string is a C string: "…", \n \t \" \\ escapes


def read_catalogue(path: Path) -> list[Entry]:
    """The entries of a .po file (the header, msgid "", left out)."""
    entries, entry, last = [], Entry(), None

    def close():
        nonlocal entry, last
        if entry.msgid or entry.msgstr:
            entries.append(entry)
        entry, last = Entry(), None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            close()
            continue
        if line.startswith("#~"):
            entry.obsolete = True
            line = line[2:].strip()
            if not line or line.startswith("#"):
                continue
        elif line.startswith("#,"):
            entry.fuzzy = entry.fuzzy or "fuzzy" in line
            continue
        elif line.startswith("#:"):
            entry.references += line[2:].split()
            continue
        elif line.startswith("#"):
            continue
        if line.startswith('"'):
            if last == "msgstr":
                entry.msgstr[-1] += _po_string(line)
            else:
                setattr(entry, last, getattr(entry, last) + _po_string(line))
            continue
        keyword, _space, value = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and (entry.msgid or entry.msgstr):
            close()  # entries not separated by a blank line
        if keyword.startswith("msgstr"):
            entry.msgstr.append(_po_string(value))
            last = "msgstr"
        else:
            setattr(entry, keyword, _po_string(value))
            last = keyword
    close()
    return [e for e in entries if e.msgid and not e.obsolete]


def _catalogues(language: str) -> list[Path]:
    return sorted((LOCALE / language / "LC_MESSAGES").glob("*.po"))


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_string_has_an_english_and_a_polish_translation(language):
    assert _catalogues(language), f"no catalogue in {LOCALE / language}"
    missing = [f"{path.name}: {entry}{'  (fuzzy)' if entry.fuzzy else ''}"
               for path in _catalogues(language) for entry in read_catalogue(path) if not entry.translated]

    assert not missing, f"{len(missing)} strings without a {language} translation:\n" + "\n".join(missing)


def test_the_french_catalogue_never_says_another_string_than_its_own():
    # French is the source: a msgstr is empty or the msgid itself. A fuzzy guess of msgmerge kept there once
    # printed « %(counter)s doublon » for « Confier l'opportunité » and « 3 unités » on French pages.
    wrong = [f"{path.name}: {entry} → {entry.msgstr!r}" for path in _catalogues("fr_CA")
             for entry in read_catalogue(path)
             if any(text and text not in (entry.msgid, entry.msgid_plural) for text in entry.msgstr)]

    assert not wrong, "French strings that say something else:\n" + "\n".join(wrong)


def _fingerprint(paths):
    return {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in paths}


def test_the_catalogues_hold_every_string_of_the_code(tmp_path, settings, monkeypatch):
    """`make messages` run on a copy of the code: nothing it would extract is missing from the
    committed en and pl catalogues (the committed files are not touched)."""
    committed = [p for language in TRANSLATED for p in _catalogues(language)]
    before = _fingerprint(committed)
    tree = tmp_path / "comptoir"
    shutil.copytree(SOURCE, tree, ignore=shutil.ignore_patterns("locale", "__pycache__", "*.pyc", "*.mo"))
    shutil.rmtree(tree / "imports" / "data", ignore_errors=True)
    (tree / "locale").mkdir()
    # makemessages writes into the first of LOCALE_PATHS: the copy's, never the real one.
    settings.LOCALE_PATHS = [str(tree / "locale")]
    monkeypatch.chdir(tree)

    call_command("makemessages", locale=["fr_CA"], no_obsolete=True, ignore_patterns=["imports/data/*"], verbosity=0)

    fresh = read_catalogue(tree / "locale" / "fr_CA" / "LC_MESSAGES" / "django.po")
    assert _fingerprint(committed) == before
    assert len(fresh) > 500  # the extraction really ran over the code
    report = []
    for language in TRANSLATED:
        known = {e.key for path in _catalogues(language) for e in read_catalogue(path)}
        report += [f"{language}: {entry}" for entry in fresh if entry.key not in known]
    assert not report, (f"{len(report)} strings of the code missing from the catalogues (run `make messages`, "
                        "then translate them):\n" + "\n".join(report))


# --- The pages --------------------------------------------------------------------------------

FRENCH_ONLY = set("éèêëàâçôûùîïœÉÈÊÀÂÇÔÛÙÎŒ«»°")  # ° for "n° 42"
ATTRIBUTES_READ = ("placeholder", "title", "aria-label", "alt")


class VisibleText(HTMLParser):
    """What a person reads on a page: text and the attributes shown or spoken (placeholder, title,
    aria-label, alt); not scripts, styles, nor the language switch, whose names are each in their
    own language on purpose."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping: list[str] = []
        self.in_language_switch = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select" and attrs.get("id") == "language":
            self.in_language_switch = True
        if tag in ("script", "style", "template") or (tag == "option" and self.in_language_switch):
            self.skipping.append(tag)
        if not self.skipping:
            self.parts += [attrs[name] for name in ATTRIBUTES_READ if attrs.get(name)]

    def handle_endtag(self, tag):
        if tag == "select" and self.in_language_switch:
            self.in_language_switch = False
            self.skipping = [t for t in self.skipping if t != "option"]  # an <option> may go unclosed
        elif self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)

    @classmethod
    def of(cls, html: str) -> str:
        parser = cls()
        parser.feed(html)
        return re.sub(r"\s+", " ", " ".join(parser.parts))


# A language's own name is written in it on purpose (the switch, a message template's language).
ENDONYMS = ("Français",)


def french_snippets(text: str) -> list[str]:
    """Each stretch of French on the page, with 40 characters around it (overlapping ones merged)."""
    for name in ENDONYMS:
        text = text.replace(name, "")
    spans: list[list[int]] = []
    for match in re.finditer("[" + "".join(sorted(FRENCH_ONLY)) + "]", text):
        start, end = max(0, match.start() - 40), match.end() + 40
        if spans and start <= spans[-1][1]:
            spans[-1][1] = end
        else:
            spans.append([start, end])
    return [text[start:end].strip() for start, end in spans]


@pytest.fixture
def showroom(db):
    """A salesperson's day in plain ASCII, so any French on a page comes from the code:
    a customer and a near-duplicate, a deal with an accepted quote and its contract, a deal in a
    pipeline without quotes, a lead, tasks (one overdue), message templates, a sent email."""
    location = LocationFactory(name="Downtown", name_en="Downtown")
    admin = UserFactory(role="admin", username="boss", first_name="Alex", last_name="Morgan", location=location)
    seller = UserFactory(username="sam", first_name="Sam", last_name="Hill", location=location,
                         signature="Sam Hill, Downtown Motors")
    customer = make_customer(seller, first_name="John", last_name="Smith", email="john.smith@smithmail.ca",
                             city="Springfield", phones=[{"kind": "mobile", "number": "514 555-0101"}])
    twin = make_customer(seller, first_name="Jon", last_name="Smith", email="jon.smith@smithmail.ca",
                         city="Springfield", phones=[{"kind": "mobile", "number": "514 555-0101"}])
    quoted = make_pipeline(admin, name="New vehicles", prefix="NV", requires_quote=True,
                           stages=("New", "Test ride", "Offer", "Closing"))
    plain = make_pipeline(admin, name="Used vehicles", prefix="UV", stages=("New", "Closing"))
    deal = make_opportunity(seller, customer, quoted, product="ATV 700")
    used = make_opportunity(seller, twin, plain, product="Snowmobile", amount="8500.00")
    quote = quote_create(actor=seller, opportunity_id=deal.pk, title="Spring", variants=[
        {"name": "Cash", "lines": [{"description": "ATV 700", "quantity": "1", "unit_price": "1234.50",
                                    "unit_cost": "1000.00"}]},
        {"name": "Financed", "lines": [{"description": "ATV 700", "quantity": "1", "unit_price": "1300.00",
                                        "unit_cost": "1000.00"}]}])
    cash = quote.variants.order_by("pk").first()
    quote_variant_accept(actor=seller, quote_id=quote.pk, variant_id=cash.pk)
    contract_create(actor=seller, opportunity_id=deal.pk, variant=cash.pk, deposit="100",
                    trade_in={"description": "Old sled", "allowance": "500"})
    lead = lead_create(actor=seller, first_name="Mary", last_name="Jones", email="mary.jones@smithmail.ca",
                       next_contact_at=timezone.now() + timedelta(hours=1))
    task_create(actor=seller, title="Call back", due_at=timezone.now() + timedelta(hours=2), customer=customer.pk)
    task_create(actor=seller, title="Send brochure", due_at=timezone.now() - timedelta(days=2),
                opportunity=deal.pk)
    # Issue 23: the used deal edited (its history shows each change) and handed to the boss and back.
    task_create(actor=seller, title="Book a test ride", due_at=timezone.now() + timedelta(days=1),
                opportunity=used.pk)
    opportunity_update(actor=admin, opportunity_id=used.pk, amount="8200.00", cost="7000.00",
                       expected_decision_date=timezone.localdate() + timedelta(days=10), assignees=[admin.pk])
    for person in (admin, seller):
        opportunity_update(actor=admin, opportunity_id=used.pk, salesperson=person.pk)
    templates = [template_create(actor=admin, name="Follow-up", language=code, subject="Your {{ opportunity.product }}",
                                 body="Hello {{ customer.first_name }}") for code in ("fr-ca", "en", "pl")]
    message_send(actor=seller, customer=customer.pk, subject="Hello", body="Hello John, see you soon.")
    # Issue 26: the desk with a finance and a lease program, a fee, a product and a rebate, and a kept sheet.
    program_save(actor=admin, values={"lender": "Maple Bank", "name": "Retail", "kind": "finance"},
                 terms=[{"term": 60, "apr": "5.99"}, {"term": 72, "apr": "6.49"}])
    program_save(actor=admin, values={"lender": "Maple Bank", "name": "Lease", "kind": "lease"},
                 terms=[{"term": 36, "apr": "4.99", "residual_16000": "55"}])
    for kind, name in (("fee", "Freight"), ("product", "Extended warranty"), ("rebate", "Spring rebate")):
        item_save(actor=admin, values={"kind": kind, "name": name, "price": "500", "cost": "100"})
    opening = desk_opening(actor=seller, opportunity=used)
    desk_sheet_save(actor=seller, opportunity_id=used.pk, desk=desk_of(actor=seller, opening=opening,
                                                                       raw=opening["raw"]))
    return {"admin": admin, "seller": seller, "customer": customer, "twin": twin, "deal": deal, "used": used,
            "quote": quote, "variant": cash, "lead": lead, "template": templates[1]}


def _visit(client: Client, method: str, url: str, data=None, expect=(200,)):
    response = getattr(client, method)(url, data or {})
    if response.status_code in (301, 302):
        response = client.get(response["Location"])
    assert response.status_code in expect, f"{method.upper()} {url} answered {response.status_code}"
    return response.content.decode()


def _pages(s) -> list[tuple[str, str, dict | None, tuple]]:
    customer, twin, deal, used, lead = s["customer"], s["twin"], s["deal"], s["used"], s["lead"]
    quote, variant, template = s["quote"], s["variant"], s["template"]
    editor = {"title": "Fall", "v0-name": "Cash", "v0-l0-description": "ATV 700", "v0-l0-quantity": "1",
              "v0-l0-unit_price": "1234.50", "v0-l0-unit_cost": "1300"}
    bulk = {"target": "customers", "ids": [customer.pk, twin.pk]}
    pages = [
        ("get", "/", None, (200,)),
        ("get", "/sales/", None, (200,)),
        ("get", f"/sales/?pipeline={deal.pipeline_id}", None, (200,)),
        ("get", "/sales/analytics/", None, (200,)),
        ("get", "/sales/analytics/?by=stage&target_sales=5", None, (200,)),
        ("get", f"/sales/opportunities/{deal.pk}/", None, (200,)),
        ("get", f"/sales/opportunities/{used.pk}/", None, (200,)),
        ("get", f"/sales/opportunities/{used.pk}/?tab=history", None, (200,)),
        ("get", f"/sales/opportunities/{used.pk}/?tab=tasks", None, (200,)),
        ("get", f"/sales/opportunities/{deal.pk}/?tab=case", None, (200,)),
        ("get", f"/sales/opportunities/{deal.pk}/?tab=history", None, (200,)),
        ("get", f"/sales/opportunities/{deal.pk}/edit/", None, (200,)),
        ("post", f"/sales/opportunities/{deal.pk}/edit/", {"version": 1, "amount": "1"}, (409, 422)),
        ("get", f"/sales/opportunities/{deal.pk}/quotes/", None, (200,)),
        ("get", f"/sales/opportunities/{used.pk}/quotes/", None, (200,)),
        ("get", f"/sales/opportunities/{deal.pk}/quotes/new/", None, (200,)),
        ("get", f"/sales/opportunities/{deal.pk}/desk/", None, (200,)),
        ("get", f"/sales/opportunities/{deal.pk}/desk/sheets/", None, (200,)),
        ("get", f"/sales/opportunities/{deal.pk}/?tab=desk", None, (200,)),
        ("get", f"/sales/opportunities/{used.pk}/desk/", None, (200,)),
        ("get", f"/sales/opportunities/{used.pk}/desk/sheets/", None, (200,)),
        ("post", f"/sales/opportunities/{deal.pk}/quotes/new/totals/", editor, (200,)),
        ("post", f"/sales/opportunities/{deal.pk}/quotes/new/", {**editor, "v0-l0-quantity": "x"}, (422,)),
        ("get", f"/api/v1/quotes/{quote.pk}/variants/{variant.pk}/preview?language={{language}}", None, (200,)),
        ("get", "/my-day/", None, (200,)),
        ("get", "/week/", None, (200,)),
        ("get", "/leads/", None, (200,)),
        ("get", "/leads/?q=zzz", None, (200,)),
        ("get", f"/leads/{lead.pk}/", None, (200,)),
        ("get", "/customers/", None, (200,)),
        ("get", "/customers/?q=zzz", None, (200,)),
        ("get", "/customers/new/", None, (200,)),
        ("post", "/customers/new/", {"first_name": "Ann", "email": "x@nomail.com"}, (200, 422)),
        ("get", f"/customers/{customer.pk}/", None, (200,)),
        ("get", f"/customers/{customer.pk}/edit/", None, (200,)),
        ("get", f"/customers/{customer.pk}/compare/{twin.pk}/", None, (200,)),
        ("get", "/customers/999999/", None, (404,)),
        ("get", f"/messages/customers/{customer.pk}/", None, (200,)),
        ("get", f"/messages/opportunities/{deal.pk}/", None, (200,)),
        ("get", f"/messages/leads/{lead.pk}/", None, (200,)),
        ("post", f"/messages/customers/{customer.pk}/preview/", {"template": template.pk}, (200,)),
        ("get", "/messages/bulk/", None, (200,)),
        ("post", "/messages/bulk/", bulk, (200,)),
        ("post", "/messages/bulk/", {**bulk, "template": template.pk}, (200,)),
        ("post", "/messages/bulk/", {**bulk, "template": template.pk, "confirm": "1", "previewed": template.pk},
         (200,)),
        ("get", "/imports/", None, (200,)),
        ("get", "/team/", None, (200,)),
        ("get", "/search/?q=jean", None, (200,)),
        ("get", f"/sales/customers/{customer.pk}/opportunities/", None, (200,)),
        ("get", "/sales/analytics/deals/?from=2026-01-01&to=2026-12-31&by=salesperson&outcome=open", None, (200,)),
        ("get", "/sales/analytics/?by=competitor", None, (200,)),
        ("get", "/catalog/units/", None, (200,)),
        ("get", "/walk-ins/", None, (200,)),
        ("get", "/walk-ins/analytics-section/", None, (200,)),
        ("get", "/messages/inbox/", None, (200,)),
        ("get", f"/attachments/section/customers/{customer.pk}/", None, (200,)),
        ("get", f"/attachments/section/opportunities/{deal.pk}/", None, (200,)),
    ]
    try:
        pages.append(("get", reverse("search") + "?q=Smith", None, (200,)))
    except NoReverseMatch:
        pass
    return pages


@pytest.mark.parametrize("language", TRANSLATED)
def test_pages_in_english_and_polish_show_no_french(showroom, language, django_capture_on_commit_callbacks):
    User.objects.filter(pk__in=[showroom["seller"].pk, showroom["admin"].pk]).update(language=language)
    # The home page of a sales manager: the team's month, an overdue task, and the accepted quote
    # (18.99 % margin) under a 20 % alert, waiting on them.
    boss = UserFactory(role="sales_manager", username="max", first_name="Max", last_name="Stone",
                       location=showroom["admin"].location, language=language)
    SiteSettings.objects.filter(pk=1).update(margin_warning_pct=20)
    site_settings_forget()
    seller, admin, manager = Client(), Client(), Client()
    anonymous = Client(HTTP_ACCEPT_LANGUAGE=language)
    seller.force_login(showroom["seller"])
    admin.force_login(showroom["admin"])
    manager.force_login(boss)
    upload = SimpleUploadedFile("people.csv", b"First name,Last name,Email\nAnn,Lee,ann.lee@leemail.ca\n")
    visits = [(seller, method, url.replace("{language}", language), data, expect)
              for method, url, data, expect in _pages(showroom)]
    visits += [(seller, "post", "/imports/", {"file": upload, "kind": "customers"}, (200,))]
    visits += [(admin, "get", url, None, (200,)) for url in ("/", "/admin/", "/admin/accounts/user/")]
    # Issue 23: the « Processus de vente » pages and the Django admin's pipeline, as an admin sees them.
    pipeline = showroom["deal"].pipeline_id
    visits += [(admin, "get", url, None, (200,)) for url in (
        "/sales/pipelines/", "/sales/pipelines/new/", f"/sales/pipelines/{pipeline}/",
        f"/admin/sales/pipeline/{pipeline}/change/")]
    visits += [(admin, "post", "/sales/pipelines/new/", {"name": "Boats", "prefix": "B-", "stages": "New"}, (422,))]
    visits += [(manager, "get", url, None, (200,))
               for url in ("/", "/?sort=-won", f"/?overdue={showroom['seller'].pk}")]
    visits += [(anonymous, "get", url, None, (200, 404))
               for url in ("/login/", f"/unsubscribe/{unsubscribe_token(showroom['customer'])}/", "/nowhere/")]
    visits += [(anonymous, "post", "/login/", {"username": "sam", "password": "wrong"}, (200,))]
    seen, broken = {}, {}
    with django_capture_on_commit_callbacks(execute=True):
        for client, method, url, data, expect in visits:
            page = f"{method.upper()} {url}" + {admin: " (admin)", manager: " (manager)",
                                                anonymous: " (signed out)"}.get(client, "")
            try:
                seen[page] = _visit(client, method, url, data, expect)
            except Exception as error:  # one broken page must not hide the French on the others
                broken[page] = f"{type(error).__name__}: {error}"

    french = {page: french_snippets(VisibleText.of(html)) for page, html in seen.items()}
    french = {page: snippets for page, snippets in french.items() if snippets}
    assert not french and not broken, (
        f"French on {len(french)} of {len(visits)} pages in {language}:\n" + "\n".join(
            f"{page}:\n    " + "\n    ".join(snippets) for page, snippets in french.items())
        + "".join(f"\nBROKEN {page}: {error}" for page, error in broken.items()))


# --- The user's language ----------------------------------------------------------------------

def _signed_in(user, **headers) -> Client:
    client = Client(**headers)
    client.force_login(user)
    return client


def test_a_signed_in_users_language_wins_over_the_browsers_and_the_cookie(db):
    english = UserFactory(language="en")
    polish = UserFactory(language="pl")
    french = UserFactory()
    browser = {"HTTP_ACCEPT_LANGUAGE": "fr-CA,fr;q=0.9"}

    page_en = _signed_in(english, **browser)
    page_en.cookies[settings.LANGUAGE_COOKIE_NAME] = "pl"
    response = page_en.get("/")
    page_pl = _signed_in(polish, **browser).get("/")
    page_fr = _signed_in(french, HTTP_ACCEPT_LANGUAGE="en").get("/")

    assert response["Content-Language"] == "en" and '<html lang="en">' in response.content.decode()
    assert page_pl["Content-Language"] == "pl" and '<html lang="pl">' in page_pl.content.decode()
    assert page_fr["Content-Language"] == "fr-ca" and "Bonjour" in page_fr.content.decode()


def test_the_api_answers_a_session_in_its_users_language_and_a_program_in_the_one_it_asks(db, make_api):
    user = UserFactory(language="en")

    with translation.override("en"):
        not_found = str(NOT_FOUND)

    session = _signed_in(user, HTTP_ACCEPT_LANGUAGE="fr-CA").get("/api/v1/customers/999999")
    token = make_api(user)
    silent = token.get("/customers/999999")
    asking = token.client.get("/api/v1/customers/999999", HTTP_ACCEPT_LANGUAGE="pl", **token.headers)

    assert session.status_code == 404 and session["Content-Language"] == "en"
    assert silent["Content-Language"] == "en"
    assert asking["Content-Language"] == "pl"
    assert session.json()["detail"] == silent.json()["detail"] == not_found != asking.json()["detail"]


def test_the_language_chosen_in_the_top_bar_is_kept_on_the_user(db):
    user = UserFactory()
    client = _signed_in(user, HTTP_ACCEPT_LANGUAGE="fr-CA")

    response = client.post(reverse("set_language"), {"language": "pl", "next": "/customers/"})

    assert response.status_code == 302 and response["Location"] == "/customers/"
    user.refresh_from_db()
    assert user.language == "pl" and user.version == 2
    # Another browser (no cookie), asking for French: still Polish.
    elsewhere = _signed_in(user, HTTP_ACCEPT_LANGUAGE="fr-CA").get("/customers/")
    assert elsewhere["Content-Language"] == "pl"


def test_the_top_bar_keeps_djangos_checks_on_the_language_on_next_and_on_csrf(db):
    user = UserFactory()
    client = _signed_in(user)

    unknown = client.post(reverse("set_language"), {"language": "de", "next": "/team/"})
    foreign = client.post(reverse("set_language"), {"language": "en", "next": "https://evil.example/"})
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    forged = strict.post(reverse("set_language"), {"language": "pl"})

    assert unknown["Location"] == "/team/" and foreign["Location"] == "/"
    user.refresh_from_db()
    assert forged.status_code == 403 and user.language == "en"


def test_signed_out_the_top_bar_only_sets_the_cookie(db):
    client = Client()

    client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="fr-CA")

    assert page["Content-Language"] == "en"
    assert not User.objects.exists()


def test_the_users_language_applies_right_after_signing_in(db):
    UserFactory(username="nina", language="pl")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")

    signed_in = client.post("/login/", {"username": "nina", "password": PASSWORD}, follow=True)
    client.post("/logout/")
    signed_out = client.get("/login/")

    assert signed_in.redirect_chain[-1][0] == "/" and signed_in["Content-Language"] == "pl"
    # Signed out, this browser's sign-in page stays in their language.
    assert signed_out["Content-Language"] == "pl"


# --- Money and dates --------------------------------------------------------------------------

MONEY = Template("{% load comptoir %}{{ amount|money:'CAD' }}|{{ negative|money:'CAD' }}|{{ none|money }}")


@pytest.mark.parametrize(("language", "expected"), [
    ("fr-ca", "1\xa0234,50\xa0$|-1\xa0234\xa0567,89\xa0$|—"),
    ("en", "$1,234.50|-$1,234,567.89|—"),
    ("pl", "1\xa0234,50\xa0$|-1\xa0234\xa0567,89\xa0$|—"),
])
def test_money_is_written_the_locales_way(language, expected):
    context = Context({"amount": Decimal("1234.5"), "negative": Decimal("-1234567.885"), "none": None})

    with translation.override(language):
        assert MONEY.render(context) == expected


def test_a_template_without_a_currency_uses_the_sites(db):
    with translation.override("en"):
        assert Template("{% load comptoir %}{{ 12|money }}").render(Context()) == "$12.00"


DATES = Template('{{ moment|date:"SHORT_DATETIME_FORMAT" }}|{{ moment|date }}|{{ moment|time }}|{{ moment.date }}')


@pytest.mark.parametrize(("language", "expected"), [
    ("fr-ca", "2026-11-23 9\xa0h\xa005|23 novembre 2026|9\xa0h\xa005|23 novembre 2026"),
    ("en", "11/23/2026 9:05 a.m.|Nov. 23, 2026|9:05 a.m.|Nov. 23, 2026"),
    ("pl", "23.11.2026 09:05|23 listopada 2026|09:05|23 listopada 2026"),
])
def test_dates_are_written_the_locales_way(language, expected):
    moment = datetime(2026, 11, 23, 14, 5, tzinfo=dt_timezone.utc)  # 9:05 in Toronto

    with translation.override(language), timezone.override("America/Toronto"):
        assert DATES.render(Context({"moment": timezone.localtime(moment)})) == expected
