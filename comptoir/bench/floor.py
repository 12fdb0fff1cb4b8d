"""The API's floor: beside each endpoint the bench measures, the view one would write by hand in plain
Django — the same token checked the same way (the API's own TokenAuth), the same rows read with `.values()`
and answered with `JsonResponse`, no schema, no model objects. Mounted only by the bench's own URLs
(comptoir.bench.urls, under /bench-floor/), never by the product's.

Each answers the same data as its endpoint (the same keys, the same rows in the same order: the bench
checks it before measuring), so the ratio endpoint / floor is what the framework and the product's
layers cost beyond the work itself."""

from datetime import timedelta

from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import Coalesce, Concat
from django.http import HttpResponse, JsonResponse
from django.utils import timezone

from comptoir.accounts.auth import TokenAuth
from comptoir.core.figures import month_bounds, percentage
from comptoir.core.models import LostReason, Media, Source
from comptoir.customers.models import Customer, CustomerEmail, CustomerPhone
from comptoir.sales.models import Opportunity, OpportunityContact

_token_auth = TokenAuth()

CUSTOMER_FIELDS = ("id", "first_name", "last_name", "company", "address_line1", "address_line2", "city", "province",
                   "postal_code", "country", "industry", "market_segment", "territory", "website", "external_id",
                   "email", "email_status", "source_id", "media_id", "salesperson_id", "created_by_id", "channel",
                   "unsubscribed", "details", "points_lost", "version", "created_at", "updated_at",
                   "salesperson__first_name", "salesperson__last_name", "salesperson__username")
OPPORTUNITY_FIELDS = ("id", "number", "customer_id", "customer__first_name", "customer__last_name",
                      "customer__company", "pipeline_id", "pipeline__requires_quote", "stage_id", "stage__name",
                      "status", "amount", "cost", "currency", "salesperson_id", "product", "inventory_unit", "unit_id",
                      "source_id", "media_id", "location_id", "excluded", "lost_reason_id", "sale_date",
                      "expected_decision_date", "probability", "competitor_note", "quote_accepted_at", "created_at",
                      "closed_at", "version")


def _user(request):
    """The API's own check of the Bearer token (the same class, so the same cost and the same cache)."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    return _token_auth.authenticate(request, header[7:]) if header.startswith("Bearer ") else None


def _unauthorized():
    return HttpResponse(status=401)


def _labels(model) -> dict:
    return dict(model.objects.values_list("pk", "name"))  # the bench answers in French


CUSTOMER_KEYS = {"source_id": "source", "media_id": "media", "salesperson_id": "salesperson",
                 "created_by_id": "created_by"}
OPPORTUNITY_KEYS = {"customer_id": "customer", "pipeline_id": "pipeline", "stage_id": "stage",
                    "salesperson_id": "salesperson", "unit_id": "unit", "source_id": "source", "media_id": "media",
                    "location_id": "location", "lost_reason_id": "lost_reason"}


def _renamed(row: dict, keys: dict) -> dict:
    """The row with the API's names for its columns (`source`, not `source_id`)."""
    return {keys.get(key, key): value for key, value in row.items()}


def _person(first: str | None, last: str | None, username: str | None) -> str | None:
    if username is None:
        return None
    return f"{first or ''} {last or ''}".strip() or username


def _customer_rows(rows: list[dict]) -> list[dict]:
    """Phones, tags and the list entries' names of these customers: one query each for the page."""
    ids = [row["id"] for row in rows]
    phones, tags = {pk: [] for pk in ids}, {pk: [] for pk in ids}
    for phone in CustomerPhone.objects.filter(customer_id__in=ids).order_by("customer_id", "position", "pk").values(
            "customer_id", "kind", "number", "e164", "extension"):
        phones[phone.pop("customer_id")].append(phone)
    for customer_id, name in Customer.tags.through.objects.filter(customer_id__in=ids).order_by(
            "customer_id", "tag__position", "tag__name").values_list("customer_id", "tag__name"):
        tags[customer_id].append(name)
    sources, media = _labels(Source), _labels(Media)
    answer = []
    for row in rows:
        first, last, username = (row.pop("salesperson__first_name"), row.pop("salesperson__last_name"),
                                 row.pop("salesperson__username"))
        answer.append({**_renamed(row, CUSTOMER_KEYS), "display_name": f"{row['first_name']} {row['last_name']}".strip() or row["company"]
                       or f"#{row['id']}", "phones": phones[row["id"]], "tags": tags[row["id"]],
                       "source_name": sources.get(row["source_id"]), "media_name": media.get(row["media_id"]),
                       "salesperson_name": _person(first, last, username)})
    return answer


def customer_card(request, customer_id: int):
    if _user(request) is None:
        return _unauthorized()
    row = Customer.objects.filter(pk=customer_id, merged_into__isnull=True).values(*CUSTOMER_FIELDS).first()
    if row is None:
        return JsonResponse({"detail": "not found", "errors": []}, status=404)
    (card,) = _customer_rows([row])
    # Others sharing a phone or the address: one id list per index, united (an OR would scan them all).
    e164s = [phone["e164"] for phone in card["phones"]]
    ids = [CustomerPhone.objects.filter(e164__in=e164s).values("customer_id").order_by()] if e164s else []
    if card["email"] and card["email_status"] in ("valid", "invalid"):
        ids += [Customer.objects.filter(email=card["email"]).values("pk").order_by(),
                CustomerEmail.objects.filter(email=card["email"]).values("customer_id").order_by()]
    card["sure_duplicates"] = Customer.objects.filter(merged_into__isnull=True, pk__in=ids[0].union(*ids[1:])).exclude(
        pk=customer_id).count() if ids else 0
    return JsonResponse(card)


def _page(request) -> tuple[int, int]:
    return int(request.GET.get("offset", 0)), min(int(request.GET.get("limit", 50)), 500)


def customer_list(request):
    if _user(request) is None:
        return _unauthorized()
    offset, limit = _page(request)
    live = Customer.objects.filter(merged_into__isnull=True)
    rows = list(live.order_by("last_name", "first_name", "pk").values(*CUSTOMER_FIELDS)[offset:offset + limit])
    return JsonResponse({"items": _customer_rows(rows), "count": live.count()})


def opportunity_list(request):
    if _user(request) is None:
        return _unauthorized()
    offset, limit = _page(request)
    rows = list(Opportunity.objects.order_by("-created_at", "-pk").values(*OPPORTUNITY_FIELDS)[offset:offset + limit])
    ids = [row["id"] for row in rows]
    assignees, competitors, contacts = ({pk: [] for pk in ids} for _ in range(3))
    for opportunity_id, user_id in Opportunity.assignees.through.objects.filter(opportunity_id__in=ids).order_by(
            "user__last_name", "user__first_name", "user__username").values_list("opportunity_id", "user_id"):
        assignees[opportunity_id].append(user_id)
    for opportunity_id, competitor_id in Opportunity.competitors.through.objects.filter(
            opportunity_id__in=ids).order_by("competitor__position", "competitor__name").values_list(
            "opportunity_id", "competitor_id"):
        competitors[opportunity_id].append(competitor_id)
    for contact in OpportunityContact.objects.filter(opportunity_id__in=ids).order_by("position", "pk").values(
            "opportunity_id", "name", "role", "phone", "email"):
        contacts[contact.pop("opportunity_id")].append(contact)
    reasons = _labels(LostReason)
    items = []
    for row in rows:
        first, last, company = row.pop("customer__first_name"), row.pop("customer__last_name"), \
            row.pop("customer__company")
        quoted, accepted = row.pop("pipeline__requires_quote"), row.pop("quote_accepted_at")
        stage_name = row.pop("stage__name")
        items.append({**_renamed(row, OPPORTUNITY_KEYS), "customer_name": f"{first} {last}".strip() or company
                      or f"#{row['customer_id']}", "stage_name": stage_name, "assignees": assignees[row["id"]],
                      "competitors": competitors[row["id"]], "contacts": contacts[row["id"]],
                      "lost_reason_name": reasons.get(row["lost_reason_id"]),
                      "amount_locked": bool(quoted and accepted is not None), "stage_since": None})
    return JsonResponse({"items": items, "count": Opportunity.objects.count()})


def conversion(request):
    """Conversion by salesperson over the bench's period: the hand SQL of the bench, answered as JSON."""
    from comptoir.bench.opportunities import hand_conversion  # the one hand SQL, also timed alone

    if _user(request) is None:
        return _unauthorized()
    by = request.GET.get("by", "salesperson")
    today = timezone.localdate()
    date_from = today - timedelta(days=364)
    groups = []
    for key, label, won, lost, open_, suspended, amount, cost, days in hand_conversion(by, date_from, today):
        closed = won + lost
        groups.append({"key": key, "label": label, "won": won, "lost": lost, "open": open_, "suspended": suspended,
                       "conversion_pct": round(won * 100 / closed, 2) if closed else None,
                       "won_amount": amount, "avg_deal_size": round(amount / won, 2) if won else None,
                       "avg_days_to_close": round(days / won, 1) if won else None,
                       "margin": (amount or 0) - (cost or 0)})
    won, lost = sum(g["won"] for g in groups), sum(g["lost"] for g in groups)
    overall = {"won": won, "lost": lost, "open": sum(g["open"] for g in groups),
               "suspended": sum(g["suspended"] for g in groups),
               "conversion_pct": round(won * 100 / (won + lost), 2) if won + lost else None}
    return JsonResponse({"from": date_from, "to": today, "by": by, "overall": overall, "groups": groups})


def email_ratio(request):
    if _user(request) is None:
        return _unauthorized()
    year, month = (int(part) for part in request.GET["month"].split("-"))
    start, end = month_bounds(year, month)
    created = Customer.objects.filter(created_at__gte=start, created_at__lt=end, created_by__isnull=False,
                                      channel="manual")
    live = Q(merged_into__isnull=True)
    valid = live & Q(email_status="valid")
    rows = list(created.values("created_by").annotate(
        created=Count("pk", filter=live), with_valid_email=Count("pk", filter=valid),
        points_lost=Coalesce(Sum("points_lost"), 0),
        label=Concat(F("created_by__first_name"), Value(" "), F("created_by__last_name"))).order_by(
        "created_by__last_name", "created_by__first_name", "created_by"))
    overall = created.aggregate(created=Count("pk", filter=live), with_valid_email=Count("pk", filter=valid))
    ratio = percentage  # the same two decimals, half-up, as a decimal string
    return JsonResponse({"month": f"{year:04d}-{month:02d}", "overall": {
        **overall, "ratio_pct": ratio(overall["with_valid_email"], overall["created"])}, "by_salesperson": [
        {"user": row["created_by"], "label": row["label"], "created": row["created"],
         "with_valid_email": row["with_valid_email"], "ratio_pct": ratio(row["with_valid_email"], row["created"]),
         "points_lost": row["points_lost"]} for row in rows]})

