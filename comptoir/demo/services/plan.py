"""Eighteen months of a dealership, decided before anything is written: who came in on which day,
through which source, with or without an email, what they looked at, and whether they bought.
Pure Python from one seeded `random.Random` and today's date, so two loads on the same day write
the same history, and a load on any day looks current (its last sale was this week)."""

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal

from comptoir.demo.services import data
from comptoir.demo.services.lot import LotPlanner, UnitPlan, Vehicle, money
from comptoir.demo.services.people import Crowd, Person, weighted

HISTORY_DAYS = 548  # eighteen months
NEW_CUSTOMERS = 2400  # at scale 1, over the history
DMS_CUSTOMERS = 600  # customers the dealer had before the CRM, imported from its DMS
DETAILED_DAYS = 120  # the recent months carry follow-up emails, quote sends and web leads
TASK_DAYS = 45  # and the last weeks the calls after each new deal
WALK_IN_DAYS = 90  # reception has recorded walk-ins in the CRM for three months


@dataclass
class CustomerPlan:
    index: int
    person: Person
    location: str
    seller: int  # index in data.SELLERS
    created_at: datetime
    source: str
    media: str
    how: str  # manual | walk_in | reception_walk_in | web_lead | dms
    email: str  # valid | placeholder | missing
    lead_at: datetime | None = None  # a web lead: when the form came in
    bounce: bool = False
    company: str = ""
    tags: list[str] = field(default_factory=list)
    pk: int | None = None
    bounced: bool = False


@dataclass
class DealPlan:
    index: int
    customer: CustomerPlan
    seller: int
    pipeline: str
    created_at: datetime
    source: str
    media: str
    vehicle: Vehicle | None
    product: str
    amount: Decimal
    cost: Decimal
    outcome: str  # won | lost | open | suspended
    stage: str
    closed_at: datetime | None = None
    lost_reason: str = ""
    competitor: str = ""
    quote_at: datetime | None = None
    accept: int = 0  # the variant accepted (0 cash, 1 financing)
    trade_in: dict | None = None
    unit: UnitPlan | None = None
    follow_up_at: datetime | None = None
    follow_up: str = ""  # the message template of the follow-up
    pk: int | None = None
    quote: int | None = None
    variants: list[int] = field(default_factory=list)
    tasks: dict[str, int] = field(default_factory=dict)  # title → id
    live: bool = True  # written while it happens; False: imported once closed, with its outcome


@dataclass
class Plan:
    start: date
    today: date  # in the dealer's time zone
    now: datetime
    zone: tzinfo
    customers: list[CustomerPlan] = field(default_factory=list)
    deals: list[DealPlan] = field(default_factory=list)
    units: list[UnitPlan] = field(default_factory=list)


class Planner(LotPlanner):
    def __init__(self, rng: random.Random, *, scale: float, now: datetime, zone):
        self.rng, self.scale, self.now, self.zone = rng, scale, now, zone
        self.today = now.astimezone(zone).date()
        self.start = self.today - timedelta(days=HISTORY_DAYS)
        self.crowd = Crowd(rng)
        self.serials: set[str] = set()
        self.plan = Plan(start=self.start, today=self.today, now=now, zone=zone)

    # --- Moments -----------------------------------------------------------------------------------

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.zone)

    def open_hours(self, day: date) -> tuple[int, int] | None:
        return {5: (9, 16), 6: None}.get(day.weekday(), (9, 20))  # closed on Sundays

    def business_moment(self, day: date) -> datetime:
        """A time the store is open on `day`, or the next day it opens."""
        while self.open_hours(day) is None:
            day += timedelta(days=1)
        first, last = self.open_hours(day)
        minutes = self.rng.randrange((last - first) * 60)
        return self.at(day, first) + timedelta(minutes=minutes)

    def past(self, moment: datetime | None) -> bool:
        return moment is not None and moment < self.now - timedelta(minutes=2)

    def months_ago(self, day: date) -> int:
        return (self.today.year - day.year) * 12 + self.today.month - day.month

    # --- Customers ------------------------------------------------------------------------------------

    def seller_for(self, location: str, day: date) -> int:
        rng = self.rng
        sellers = [(i, s) for i, s in enumerate(data.SELLERS)
                   if s.location == location and self.months_ago(day) <= s.since]
        return rng.choices([i for i, _s in sellers], weights=[s.share for _i, s in sellers])[0]

    def source_for(self, day: date, *, returning: bool = False) -> str:
        if returning:
            return "existing_customer"
        weights = {code: values[0] for code, values in data.SOURCES.items() if code != "existing_customer"}
        if day.month not in data.SHOW_MONTHS:
            weights.pop("trade_show")
        return weighted(self.rng, weights)

    def customers(self) -> None:
        rng, plan = self.rng, self.plan
        mean_day = NEW_CUSTOMERS * self.scale / 510  # Σ traffic × open days over the history ≈ 510
        for offset in range(HISTORY_DAYS + 1):
            day = self.start + timedelta(days=offset)
            expected = mean_day * data.TRAFFIC[day.month] * (0.15 if day.weekday() == 6 else 1.0)
            count = int(expected) + (rng.random() < expected - int(expected))
            for _n in range(count):
                self.new_customer(day)
        for _n in range(round(DMS_CUSTOMERS * self.scale)):
            location = "st-jerome" if rng.random() < 0.62 else "mont-laurier"
            person = self.crowd.person(location, email=rng.random() < 0.7)
            seller = self.seller_for(location, self.start)
            plan.customers.append(CustomerPlan(
                index=len(plan.customers), person=person, location=location, seller=seller,
                created_at=self.at(self.start, 8), source="existing_customer",
                media="import", how="dms", email="valid" if person.email else "missing",
                tags=["vip"] if rng.random() < 0.06 else []))

    def new_customer(self, day: date) -> None:
        rng, plan = self.rng, self.plan
        location = "st-jerome" if rng.random() < 0.62 else "mont-laurier"
        seller_index = self.seller_for(location, day)
        seller = data.SELLERS[seller_index]
        source = self.source_for(day)
        media = weighted(rng, data.SOURCES[source][2])
        web = media == "web_form"
        if day.weekday() == 6 and not web:
            return  # closed on Sundays: only the web form takes people in
        recent = (self.today - day).days < DETAILED_DAYS
        if web and recent:
            lead_at = self.at(day, 7) + timedelta(minutes=rng.randrange(15 * 60))
            created_at = self.business_moment(day if lead_at.hour < 19 else day + timedelta(days=1))
            created_at = max(created_at, lead_at + timedelta(minutes=20))
            how = "web_lead"
        else:
            # Before the CRM took its web form's leads, the salesperson typed the inquiry in.
            lead_at, created_at = None, self.business_moment(day)
            how = "manual"
            if (self.today - day).days < WALK_IN_DAYS and media == "in_store" \
                    and source in ("walk_in", "referral", "advertising"):
                how = "reception_walk_in" if rng.random() < 0.4 else "walk_in"
        if not self.past(created_at):
            return
        # A salesperson takes a valid email as often as they care to; a form asks for one.
        taker = 0.95 if how == "web_lead" else 0.70 if how == "reception_walk_in" else seller.email
        valid = rng.random() < taker
        email = "valid" if valid else ("placeholder" if rng.random() < 0.6 else "missing")
        person = self.crowd.person(location, email=valid)
        customer = CustomerPlan(
            index=len(plan.customers), person=person, location=location, seller=seller_index,
            created_at=created_at, source=source, media=media, how=how, email=email, lead_at=lead_at,
            bounce=valid and rng.random() < 0.045)
        if how == "manual" and rng.random() < 0.03:
            customer.company, tag = rng.choice(data.COMPANIES)
            customer.tags = [tag]
        plan.customers.append(customer)

    # --- Deals --------------------------------------------------------------------------------------------

    def deals(self) -> None:
        rng = self.rng
        for customer in self.plan.customers:
            first = customer.created_at
            if customer.how == "dms":
                # Former customers come back: for service, or for their next vehicle.
                for _n in range(rng.choice((0, 0, 1, 1, 2))):
                    day = self.start + timedelta(days=rng.randrange(HISTORY_DAYS))
                    pipeline = data.SERVICE if rng.random() < 0.7 else rng.choice((data.NEW, data.USED))
                    self.deal(customer, self.business_moment(day), pipeline, returning=True)
                continue
            # Most come in about a vehicle; a walk-in is often just looking.
            if rng.random() < (0.7 if customer.how in ("walk_in", "reception_walk_in") else 0.92):
                seller = data.SELLERS[customer.seller]
                pipeline = data.USED if rng.random() < seller.used else data.NEW
                if rng.random() < 0.04:
                    pipeline = data.SERVICE
                self.deal(customer, first + timedelta(minutes=rng.randint(8, 50)), pipeline)
            if rng.random() < 0.10:  # back for service a few months later
                day = first.date() + timedelta(days=rng.randint(30, 300))
                self.deal(customer, self.business_moment(day), data.SERVICE, returning=True)
            if rng.random() < 0.04:  # and sometimes for another vehicle
                day = first.date() + timedelta(days=rng.randint(60, 400))
                self.deal(customer, self.business_moment(day), data.NEW, returning=True)
        self.plan.deals.sort(key=lambda d: d.created_at)
        for index, deal in enumerate(self.plan.deals):
            deal.index = index

    def deal(self, customer: CustomerPlan, created_at: datetime, pipeline: str, *, returning: bool = False) -> None:
        rng, plan = self.rng, self.plan
        if not self.past(created_at) or created_at < customer.created_at:
            return
        source = self.source_for(created_at.date(), returning=True) if returning else customer.source
        media = weighted(rng, data.SOURCES[source][2]) if returning else customer.media
        seller = data.SELLERS[customer.seller]
        stages = data.PIPELINES[pipeline][2]
        if pipeline == data.SERVICE:
            kind = weighted(rng, data.SEASONS[created_at.month])
            code, name, price, cost, _kinds = rng.choice([s for s in data.SERVICES if kind in s[4]] or data.SERVICES)
            factor = Decimal(str(round(rng.uniform(0.8, 2.6), 2)))
            vehicle, product, amount, cost_value = None, name, money(Decimal(price) * factor), \
                money(Decimal(cost) * factor)
            chance = 0.72 * seller.skill ** 0.3
            days = rng.randint(0, 9)
        else:
            vehicle = self.vehicle(pipeline, created_at.date())
            product, amount, cost_value = vehicle.name, vehicle.price, vehicle.cost
            chance = data.SOURCES[source][1] * seller.skill * (0.9 if pipeline == data.USED else 1.0)
            days = None
        chance = min(max(chance, 0.04), 0.92)
        won = rng.random() < chance
        if days is None:
            # A sale closes in a week or two; a lost deal lingers before someone calls it.
            days = int(rng.lognormvariate(math.log(10 if won else 22), 0.8))
            days = min(days, 90 if won else 150)
        closed_at = self.business_moment(created_at.date() + timedelta(days=days))
        if closed_at <= created_at:
            closed_at = created_at + timedelta(hours=rng.randint(1, 3))
        deal = DealPlan(index=0, customer=customer, seller=customer.seller, pipeline=pipeline, created_at=created_at,
                        source=source, media=media, vehicle=vehicle, product=product, amount=amount,
                        cost=cost_value, outcome="won" if won else "lost", stage=stages[-1])
        age = (self.now - created_at).days
        if not self.past(closed_at):
            deal.outcome = "open"
        elif not won and age > 60 and pipeline != data.SERVICE and rng.random() < 0.012:
            deal.outcome = "open"  # never closed: the manager's list of deals to clean up
        elif not won and pipeline != data.SERVICE and rng.random() < 0.03:
            deal.outcome = "suspended"
        if deal.outcome in ("won", "lost", "suspended"):
            deal.closed_at = closed_at
        self.shape(deal, stages)
        plan.deals.append(deal)

    def shape(self, deal: DealPlan, stages: list[str]) -> None:
        """The stage it ended at, why it was lost, when it was quoted, and what came with it."""
        rng = self.rng
        proposal = stages.index(data.PROPOSAL) if data.PROPOSAL in stages else None
        if deal.outcome == "lost":
            if deal.pipeline == data.SERVICE:
                deal.lost_reason = weighted(rng, data.LOST_SERVICE)
                deal.stage = stages[rng.randint(0, len(stages) - 1)]
            elif rng.random() < 0.45:
                deal.lost_reason = weighted(rng, data.LOST_LATE)
                deal.stage = stages[rng.randint(proposal, len(stages) - 2)]
            else:
                deal.lost_reason = weighted(rng, data.LOST_EARLY)
                deal.stage = stages[rng.choices(range(proposal), weights=[3, 4, 3, 2][:proposal])[0]]
            if deal.lost_reason == "bought_elsewhere":
                deal.competitor = rng.choice([c[0] for c in data.COMPETITORS])
        elif deal.outcome in ("open", "suspended"):
            young = (self.now - deal.created_at).days < 45
            top = len(stages) - 1 if deal.outcome == "open" and young else (proposal or len(stages) - 1)
            deal.stage = stages[min(rng.choices(range(top + 1), weights=[4, 4, 3, 3, 2, 2, 1][:top + 1])[0], top)]
        if deal.pipeline == data.SERVICE:
            return
        end = deal.closed_at or self.now
        recent = (self.now - deal.created_at).days < DETAILED_DAYS
        if deal.outcome == "won" or recent and stages.index(deal.stage) >= proposal:
            span = end - deal.created_at
            deal.quote_at = deal.created_at + span * rng.uniform(0.3, 0.7)
            if deal.quote_at - deal.created_at < timedelta(minutes=20):
                deal.quote_at = deal.created_at + span / 2
            deal.accept = 1 if rng.random() < 0.58 else 0
        if deal.outcome == "won" and rng.random() < 0.35:
            deal.trade_in = self.trade_in(deal.vehicle, end.date())
        if recent and stages.index(deal.stage) >= 1 and deal.customer.email == "valid":
            moment = self.business_moment(deal.created_at.date() + timedelta(days=rng.randint(1, 3)))
            if moment < end and self.past(moment):
                deal.follow_up_at = moment
                deal.follow_up = "Relance après essai" if stages.index(deal.stage) >= 3 else "Suivi de votre demande"

    # --- The plan ---------------------------------------------------------------------------------------

    def classify(self) -> None:
        """Which deals are written as they happen (open ones, sales with their quote, the recent
        months' deals with their calls and emails), and which, older and without a quote, come in
        through the import once closed, with their outcome."""
        tasks_from = self.now - timedelta(days=TASK_DAYS)
        for deal in self.plan.deals:
            deal.live = (deal.outcome == "open" or deal.quote_at is not None or deal.follow_up_at is not None
                         or deal.unit is not None or deal.created_at >= tasks_from)
            if not deal.live:
                deal.competitor = ""

    def build(self) -> Plan:
        self.customers()
        self.deals()
        self.units()
        self.classify()
        return self.plan
