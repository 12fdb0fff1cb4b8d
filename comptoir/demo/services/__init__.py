"""`comptoir demo`: one Québec powersports-and-auto dealership with eighteen months of history,
written through the services (rules hold, timelines are true) and dated from today, so it always
looks current. The same seed gives the same dealership; `scale` shrinks it (tests) or grows it.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from comptoir.accounts.models import Role, User
from comptoir.demo.services import data
from comptoir.demo.services.activity import Activity
from comptoir.demo.services.clock import clock, nothing_delivered
from comptoir.demo.services.dealer import (DEMO_ADMIN, DEMO_PASSWORD, DEMO_RECEPTION, catalogue_create, dealer_create,
                                           desk_create, lists_create, pipelines_create, templates_create)
from comptoir.demo.services.history import Runner
from comptoir.demo.services.plan import Planner

__all__ = ["DEMO_ADMIN", "DEMO_PASSWORD", "DEMO_RECEPTION", "DEMO_SEED", "DemoResult", "demo_is_loaded",
           "demo_load", "demo_logins", "demo_scale"]

DEMO_SEED = 2026


@dataclass
class DemoResult:
    counts: dict[str, int] = field(default_factory=dict)


def demo_is_loaded() -> bool:
    return User.objects.filter(username=DEMO_ADMIN).exists() or User.objects.exclude(is_superuser=True).exists()


def demo_scale() -> float:
    """The demo's size: 1 is the whole dealership (about 3,000 customers); DEMO_SCALE in the
    environment changes the default (0.05 loads in a few seconds)."""
    return float(settings.COMPTOIR_DEMO_SCALE() or 1)


def demo_load(*, scale: float | None = None, seed: int = DEMO_SEED, now: datetime | None = None) -> DemoResult:
    """Load the dealership into an empty database. Nothing it writes is delivered: its history's
    emails and notifications happened in the past (demo.services.clock)."""
    scale = demo_scale() if scale is None else scale
    now = now or timezone.now()
    zone = timezone.get_default_timezone()
    rng = random.Random(seed)
    planner = Planner(rng, scale=scale, now=now, zone=zone)
    result = DemoResult()
    with nothing_delivered(), transaction.atomic():
        # The CRM was set up the evening before its first day.
        with clock(datetime.combine(planner.start - timedelta(days=1), time(18), tzinfo=zone)):
            dealer = dealer_create()
            lists_create(dealer)
            pipelines_create(dealer)
            result.counts["products"] = catalogue_create(dealer)
            templates_create(dealer)
            result.counts["lender_programs"] = desk_create(dealer)
        plan = planner.build()
        runner = Runner(plan, dealer, rng, crowd=planner.crowd, scale=scale)
        runner.units()
        runner.customers()
        runner.deals()
        runner.newsletter()
        Activity(runner).queue()
        runner.run()
    result.counts["users"] = User.objects.count()
    for name in ("customers", "opportunities", "won", "lost", "suspended", "quotes", "contracts", "units",
                 "walk_ins", "leads", "tasks", "emails", "replies", "bounces"):
        result.counts[name] = runner.counts[name]
    return result


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, password, role) of one demo account per role, as long as it exists."""
    logins = []
    for role in (Role.ADMIN, Role.SALES_MANAGER, Role.SALESPERSON, Role.RECEPTION):
        users = User.objects.filter(role=role, is_active=True, email__endswith=f"@{data.STAFF_DOMAIN}")
        if role == Role.SALESPERSON:
            users = users.filter(department__code="sales")  # a salesperson, not the F&I manager
        user = users.order_by("pk").first()
        if user is not None:
            logins.append((user.username, DEMO_PASSWORD, str(role.label)))
    return logins
