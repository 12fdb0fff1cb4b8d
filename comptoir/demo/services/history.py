"""The plan written through the services, in the order it happened: each step runs while the clock
says it is its moment (demo.services.clock), so customers, deals, quotes, contracts, sales and
their timelines carry their real dates. Deals come in through the opportunities import (dated,
numbered, their stages reached); everything after is the live services: a unit taken, a quote made
and sent, a variant accepted, the deal won with its contract and trade-in, or lost with its reason."""

import heapq
import random
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

from comptoir.activities.services import task_complete
from comptoir.core.models import LostReason, Media, Source
from comptoir.customers.services import Lookups
from comptoir.demo.services.clock import clock
from comptoir.demo.services.customers import CustomerSteps
from comptoir.demo.services.dealer import Dealer
from comptoir.demo.services.deals import DealSteps
from comptoir.demo.services.emails import EmailSteps
from comptoir.demo.services.plan import Plan
from comptoir.demo.services.quotes import QuoteSteps


class Runner(CustomerSteps, DealSteps, QuoteSteps, EmailSteps):
    """A queue of dated steps, run in time order, each under the clock of its moment."""

    def __init__(self, plan: Plan, dealer: Dealer, rng: random.Random, *, crowd, scale: float):
        self.plan, self.dealer, self.rng, self.crowd, self.scale = plan, dealer, rng, crowd, scale
        self.queue: list = []
        self.sequence = 0
        self.counts: Counter = Counter()

        self.sources = dict(Source.objects.values_list("code", "pk"))
        self.media = dict(Media.objects.values_list("code", "pk"))
        self.reasons = dict(LostReason.objects.values_list("code", "pk"))
        self.lookups = {user.pk: Lookups(user) for user in dealer.sellers}
        self.deals_of: dict[int, list] = {}  # customer index → their deals
        for deal in plan.deals:
            self.deals_of.setdefault(deal.customer.index, []).append(deal)

    def at(self, moment, step: Callable, *args) -> None:
        """Queue `step(*args)` for `moment`, if that moment has passed (the future is not history)."""
        if moment is None or moment >= self.plan.now - timedelta(minutes=1):
            return
        self.sequence += 1
        heapq.heappush(self.queue, (moment, self.sequence, step, args))

    def run(self) -> None:
        while self.queue:
            moment, _sequence, step, args = heapq.heappop(self.queue)
            with clock(moment):
                step(moment, *args)

    def seller(self, index: int):
        return self.dealer.sellers[index]

    def task_done(self, moment, user, task_id, outcome: str) -> None:
        if task_id is not None:
            task_complete(actor=user, task_id=task_id, outcome=outcome)
