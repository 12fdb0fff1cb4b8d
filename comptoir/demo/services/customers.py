"""The customers of the history as they came in: typed in by their salesperson, recorded at the
counter as walk-ins, taken by the web form and converted, or imported from the dealer's DMS the day
the CRM started."""

from datetime import timedelta

from comptoir.customers.services import Lookups, OnDuplicate, customer_create, customers_import
from comptoir.demo.services.plan import CustomerPlan
from comptoir.leads.services import lead_convert, lead_create
from comptoir.walkins.services import walk_in_record


class CustomerSteps:
    def customer_values(self, customer: CustomerPlan, *, media: bool = True) -> dict:
        person = customer.person
        values = {"first_name": person.first_name, "last_name": person.last_name,
                  "address_line1": person.address_line1, "city": person.city, "province": "QC",
                  "postal_code": person.postal_code, "phones": person.phones, "source": self.sources[customer.source]}
        if media:
            values["media"] = self.media[customer.media]
        if customer.company:
            values["company"] = customer.company
        if customer.tags:
            values["tags"] = customer.tags
        if customer.email == "valid":
            values["email"] = person.email
        elif customer.email == "placeholder":
            values["no_email"] = True  # DESIGN: « aucun courriel » gives the placeholder
        return values

    def customers(self) -> None:
        dms = [c for c in self.plan.customers if c.how == "dms"]
        if dms:
            self.at(dms[0].created_at, self.dms_import, dms)
        for customer in self.plan.customers:
            if customer.how == "manual":
                self.at(customer.created_at, self.customer_create, customer)
            elif customer.how in ("walk_in", "reception_walk_in"):
                self.at(customer.created_at, self.walk_in_new, customer)
            elif customer.how == "web_lead":
                self.at(customer.lead_at, self.web_lead, customer)
            if customer.bounce and not any(d.follow_up_at for d in self.deals_of.get(customer.index, ())):
                self.at(customer.created_at + timedelta(days=self.rng.randint(2, 15)), self.bounce, customer, None)

    def dms_import(self, moment, customers: list[CustomerPlan]) -> None:
        """The customers of the dealer's DMS, imported the day the CRM started."""
        admin = self.dealer.admin
        lookups = Lookups(admin)
        for start in range(0, len(customers), 500):
            batch = customers[start:start + 500]
            rows = [{**self.customer_values(c, media=False), "salesperson": self.seller(c.seller).pk,
                     "external_id": f"DMS-C{c.index:05d}"} for c in batch]
            outcomes = customers_import(actor=admin, rows=rows, lookups=lookups, on_duplicate=OnDuplicate.CREATE)
            for customer, (outcome, pk) in zip(batch, outcomes):
                if outcome != "created":
                    raise RuntimeError(f"demo customer not imported: {pk}")
                customer.pk = pk
        self.counts["customers"] += len(customers)

    def customer_create(self, moment, customer: CustomerPlan) -> None:
        customer.pk = customer_create(actor=self.seller(customer.seller), **self.customer_values(customer)).pk
        self.counts["customers"] += 1

    def walk_in_new(self, moment, customer: CustomerPlan) -> None:
        """A walk-in at the counter: reception (or the salesperson who met them at the door) records
        the visit and the customer in one go; the salesperson's « Client en magasin » task is done
        once they have served them."""
        seller = self.seller(customer.seller)
        actor = self.dealer.reception if customer.how == "reception_walk_in" else seller
        visit = walk_in_record(actor=actor, new_customer=self.customer_values(customer, media=False),
                               salesperson=seller.pk, visited_at=moment)
        customer.pk = visit.customer_id
        self.counts["customers"] += 1
        self.counts["walk_ins"] += 1
        self.at(moment + timedelta(minutes=self.rng.randint(3, 15)), self.task_done, seller, visit.task_id,
                "Client accueilli en salle de montre")

    def walk_in_again(self, moment, customer: CustomerPlan) -> None:
        seller = self.seller(customer.seller)
        visit = walk_in_record(actor=self.dealer.reception, customer=customer.pk, visited_at=moment)
        self.counts["walk_ins"] += 1
        self.at(moment + timedelta(minutes=self.rng.randint(3, 15)), self.task_done, seller, visit.task_id,
                "Client accueilli")

    def web_lead(self, moment, customer: CustomerPlan) -> None:
        """The dealer's web form takes a lead at any hour; the salesperson converts it when the store opens."""
        person = customer.person
        lead = lead_create(actor=None, channel="web_form", first_name=person.first_name,
                           last_name=person.last_name, email=person.email if customer.email == "valid" else "",
                           phones=person.phones[:1], city=person.city, postal_code=person.postal_code,
                           source=self.sources[customer.source],
                           notes=self.rng.choice(("Demande de prix.", "Disponibilité en inventaire ?",
                                                  "Veut un essai routier.", "Demande de financement.")))
        self.counts["leads"] += 1
        self.at(customer.created_at, self.lead_convert, customer, lead.pk)

    def lead_convert(self, moment, customer: CustomerPlan, lead_id: int) -> None:
        _lead, target, _opportunity = lead_convert(actor=self.seller(customer.seller), lead_id=lead_id,
                                                   create_anyway=True)
        customer.pk = target.pk
        self.counts["customers"] += 1
