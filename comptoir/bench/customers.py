"""Customer search benchmark: 1 M generated customers, p50/p95 of GET /customers?q= by phone tail,
email and accentless name, side by side with an unindexed scan of the same rows."""

import random
import statistics
import time
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from comptoir import bulk
from comptoir.accounts.models import User
from comptoir.accounts.services import token_issue
from comptoir.core.text import normalize
from comptoir.customers.models import Customer, CustomerPhone, CustomerSearchToken
from comptoir.customers.services import customer_keys, customer_tokens, phone_digits_reversed

FIRST_NAMES = [
    "Hélène", "Frédéric", "Émilie", "François", "Geneviève", "Jérôme", "Chloé", "Stéphane", "Noémie", "Rémi",
    "Marie-Ève", "Jean-François", "Josée", "André", "Léa", "Benoît", "Mélanie", "Gaétan", "Sébastien", "Anaïs",
    "Marc", "Julie", "Luc", "Sophie", "Martin", "Isabelle", "Éric", "Nathalie", "Patrick", "Caroline",
    "Olivier", "Valérie", "Alexandre", "Catherine", "Mathieu", "Karine", "Simon", "Audrey", "Guillaume", "Annie",
]
SYLLABLES = ["bé", "lan", "ger", "tré", "mbl", "ay", "ga", "gnon", "cô", "té", "roy", "lé", "vesq", "ue",
             "pel", "le", "tier", "bou", "cher", "ouel", "let", "fort", "in", "mor", "ris", "sette", "dion",
             "gi", "rard", "pa", "quet", "thé", "ri", "ault", "ber", "geron", "lau", "zon", "nad", "eau"]
CITIES = [("Sherbrooke", "J1H"), ("Magog", "J1X"), ("Drummondville", "J2B"), ("Granby", "J2G"),
          ("Rimouski", "G5L"), ("Gatineau", "J8T"), ("Montréal", "H2X"), ("Québec", "G1R")]
DOMAINS = ["videotron.ca", "gmail.com", "hotmail.com", "outlook.com", "bell.net", "sympatico.ca"]
BATCH = 20_000


def _last_name(rng: random.Random) -> str:
    name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
    return name.capitalize()


def _rows(start_id: int, count: int, rng: random.Random, now, creators: list[int]):
    for pk in range(start_id, start_id + count):
        created = now - timedelta(days=rng.uniform(0, 3 * 365))
        first, last = rng.choice(FIRST_NAMES), _last_name(rng)
        city, fsa = rng.choice(CITIES)
        postal = f"{fsa} {rng.randint(1, 9)}{chr(65 + rng.randint(0, 25))}{rng.randint(1, 9)}"
        has_email = rng.random() < 0.8
        email = f"{normalize(first).replace(' ', '')}.{normalize(last)}{pk}@{rng.choice(DOMAINS)}" if has_email else ""
        keys = customer_keys(first, last, "", postal)
        customer = (pk, first, last, "", email, "valid" if has_email else "missing", "", "", city, "QC", postal,
                    "CA", f"DMS{pk:08d}", "manual", 0 if has_email else 1, keys["search_name"], keys["name_key"],
                    keys["postal_key"], 1, created, created, rng.choice(creators) if creators else None,
                    "", "", "", "", {}, False)
        phones = []
        for position in range(rng.choice((1, 1, 1, 2))):
            e164 = f"+1{rng.choice(('819', '450', '514', '418', '873'))}{rng.randint(2000000, 9999999)}"
            number = f"({e164[2:5]}) {e164[5:8]}-{e164[8:]}"
            phones.append((pk, "mobile" if position == 0 else "home", number, e164, phone_digits_reversed(e164),
                           position))
        tokens = [(pk, token) for token in customer_tokens(first, last, "")]
        yield customer, phones, tokens


CUSTOMER_COLUMNS = ("id", "first_name", "last_name", "company", "email", "email_status", "address_line1",
                    "address_line2", "city", "province", "postal_code", "country", "external_id", "channel",
                    "points_lost", "search_name", "name_key", "postal_key", "version", "created_at", "updated_at",
                    "created_by_id", "industry", "market_segment", "territory", "website", "details",
                    "unsubscribed")
PHONE_COLUMNS = ("customer_id", "kind", "number", "e164", "digits_reversed", "position")
TOKEN_COLUMNS = ("customer_id", "token")


def ensure_customers(target: int, log, creators: list[int] | None = None) -> int:
    """Generate customers until the database holds `target` of them (resumable, batch by batch), created
    over three years by the salespeople `creators`."""
    existing = Customer.objects.count()
    if existing >= target:
        return existing
    rng = random.Random(existing)
    now = timezone.now()
    next_id = (Customer.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    started = time.perf_counter()
    while existing < target:
        size = min(BATCH, target - existing)
        customers, phones, tokens = [], [], []
        for customer, customer_phones, customer_tokens_ in _rows(next_id, size, rng, now, creators):
            customers.append(customer)
            phones.extend(customer_phones)
            tokens.extend(customer_tokens_)
        # Through comptoir.bulk: the columns left out (a field added since) get their model default.
        with transaction.atomic():
            bulk.insert_rows(Customer, CUSTOMER_COLUMNS, customers)
            bulk.insert_rows(CustomerPhone, PHONE_COLUMNS, phones)
            bulk.insert_rows(CustomerSearchToken, TOKEN_COLUMNS, tokens)
        existing += size
        next_id += size
        log(f"  {existing:>9,} customers ({time.perf_counter() - started:.0f} s)")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT setval(pg_get_serial_sequence('customers_customer', 'id'), %s)", [next_id])
        # VACUUM sets PostgreSQL's visibility map, so searches answer from the indexes alone.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return existing


def _percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def sample_queries(count: int, rng: random.Random) -> dict[str, list[str]]:
    top = Customer.objects.order_by("-pk").values_list("pk", flat=True).first()
    picks = [rng.randint(1, top) for _ in range(count * 3)]
    customers = list(Customer.objects.filter(pk__in=picks).exclude(email="").prefetch_related("phones")[:count])
    return {
        "phone tail (4 digits)": [c.phones.all()[0].e164[-4:] for c in customers],
        "email": [c.email for c in customers],
        "name without accents": [normalize(f"{c.first_name} {c.last_name}") for c in customers],
    }


def time_api(client, headers, queries: list[str]) -> tuple[list[float], int]:
    samples, found = [], 0
    for q in queries:
        started = time.perf_counter()
        response = client.get("/api/v1/customers", {"q": q, "limit": 25}, **headers)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content[:200]
        found += bool(response.json()["count"])
    return samples, found


def api_floor(client, headers, runs: int = 30) -> float:
    """The floor of the API's response times: the p95 of its cheapest signed-in answer, GET /me (the token
    checked, one user read), through the same client and token. Its ratio is what a page costs beyond
    any request."""
    samples = []
    for n in range(runs + 5):  # the first five warm up
        started = time.perf_counter()
        response = client.get("/api/v1/me", **headers)
        if n >= 5:
            samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content[:200]
    return _percentile(samples, 95)


def time_scan(queries: list[str]) -> list[float]:
    """What a search without the keys costs: each word matched with icontains on the names (a scan
    of every customer), counted as the list endpoint does."""
    samples = []
    for q in queries:
        condition = Q()
        for word in q.split():
            condition &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
        started = time.perf_counter()
        Customer.objects.filter(condition).count()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def bench_admin():
    """The benchmark's admin, who sees everything (as the manager of a whole dealership)."""
    return User.objects.filter(username="bench.admin").first() or User.objects.create_superuser(
        "bench.admin", "bench@example.com", None)


def bench_token() -> str:
    """A token for the benchmark's admin."""
    admin = bench_admin()
    admin.set_password("Bench-Admin-2026")
    admin.save(update_fields=["password"])
    return token_issue(username=admin.username, password="Bench-Admin-2026")[1]


def run(*, target: int, queries: int, log, creators: list[int], client, headers) -> list[dict]:
    total = ensure_customers(target, log, creators)
    rng = random.Random(42)
    results = []
    request = api_floor(client, headers)
    log(f"  signed-in GET /me: p95 {request:.1f} ms")
    for label, qs in sample_queries(queries, rng).items():
        time_api(client, headers, qs[:5])  # warm caches
        samples, found = time_api(client, headers, qs)
        scan = time_scan(qs[:5]) if label == "name without accents" else None
        p95 = _percentile(samples, 95)
        results.append({
            "figure": f"customer search by {label} (p95)", "value": p95, "unit": "ms", "customers": total,
            "n": len(samples), "found": found, "p50": statistics.median(samples), "goal": "≤ 50 ms",
            "meets": p95 <= 50, "floor": statistics.median(scan) if scan else request,
            "floor_label": "unindexed scan (p50)" if scan else "signed-in GET /me p95",
        })
    return results
