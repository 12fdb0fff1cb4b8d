"""The salespeople's days: calls after each recent deal (done, or some left overdue), the next step of
every open deal, its case card, the F&I manager on deals about to close, and the leads to call back
this week, some of them web leads nobody has taken yet."""

from datetime import datetime, time, timedelta

from comptoir.activities.services import task_create
from comptoir.demo.services import data
from comptoir.demo.services.history import Runner
from comptoir.demo.services.plan import TASK_DAYS, DealPlan
from comptoir.leads.services import lead_create, lead_update
from comptoir.sales.services import opportunity_update

CALL_OUTCOMES = ("Laissé un message.", "Rendez-vous fixé pour l'essai.", "Le client réfléchit, rappeler lundi.",
                 "Soumission envoyée par courriel.", "Attend l'approbation du financement.", "Aucune réponse.")
NEXT_STEPS = {  # the stage an open deal is at → (task type, title)
    "Nouveau": ("call", "Premier appel"),
    "Premier contact": ("call", "Rappeler pour fixer un rendez-vous"),
    "Rendez-vous": ("meeting", "Rendez-vous en salle de montre"),
    "Essai routier": ("call", "Rappeler après l'essai routier"),
    "Proposition": ("email", "Relancer la soumission"),
    "Négociation": ("call", "Faire une contre-offre"),
    "Livraison": ("todo", "Préparer la livraison"),
    "Demande": ("call", "Rappeler pour l'estimation"),
    "Estimation": ("email", "Envoyer l'estimation"),
    "Rendez-vous atelier": ("meeting", "Confirmer le rendez-vous à l'atelier"),
}
LEAD_NOTES = ("Veut essayer un Spark avant l'été.", "A demandé le prix d'un MXZ au salon.",
              "Cherche un côte-à-côte pour la pourvoirie.", "Intéressé par un Outlander usagé, budget 9 000 $.",
              "Veut échanger sa motoneige 2016.", "Demande de financement pour un Ryker.",
              "Cherche une camionnette d'occasion pour tirer son bateau.")


class Activity:
    def __init__(self, runner: Runner):
        self.runner, self.rng, self.plan, self.dealer = runner, runner.rng, runner.plan, runner.dealer

    def business(self, day, first: int = 9, last: int = 17) -> datetime:
        while day.weekday() == 6:  # closed on Sundays
            day += timedelta(days=1)
        minutes = self.rng.randrange((last - first) * 60)
        return datetime.combine(day, time(first), tzinfo=self.plan.zone) + timedelta(minutes=minutes)

    def queue(self) -> None:
        for deal in self.plan.deals:
            if (self.plan.now - deal.created_at).days < TASK_DAYS:
                self.first_call(deal)
            if deal.outcome == "open":
                self.next_step(deal)
        self.leads()

    # --- Tasks -----------------------------------------------------------------------------------------

    def first_call(self, deal: DealPlan) -> None:
        """The call the day after: done, except some of the open deals' calls, left overdue."""
        runner, rng = self.runner, self.rng
        due = self.business(deal.created_at.date() + timedelta(days=1), 10, 16)
        runner.at(deal.created_at + timedelta(minutes=1), self.task, deal, "call", "Premier suivi", due)
        done = due + timedelta(minutes=rng.randint(-30, 180))
        if deal.outcome == "open" and rng.random() < 0.15 and (self.plan.now - due).days < 10:
            return
        if deal.closed_at is None or done < deal.closed_at:
            runner.at(done, self.task_done, deal, "Premier suivi")

    def next_step(self, deal: DealPlan) -> None:
        """Every open deal has its next task; a quarter of them are late. Deals about to close get an
        expected decision date and a probability, and the F&I manager when there is financing."""
        runner, rng = self.runner, self.rng
        type_, title = NEXT_STEPS[deal.stage]
        now = self.plan.now
        late = rng.random() < 0.25
        due = self.business(self.plan.today + timedelta(days=rng.randint(-4, -1) if late else rng.randint(0, 7)))
        created = min(max(deal.created_at + timedelta(minutes=3), now - timedelta(days=3)),
                      due - timedelta(hours=6), now - timedelta(hours=1))
        runner.at(max(created, deal.created_at + timedelta(minutes=3)), self.task, deal, type_, title, due)
        if deal.pipeline != data.SERVICE and deal.stage in (data.PROPOSAL, "Négociation", "Livraison"):
            runner.at(max(deal.quote_at or deal.created_at, deal.created_at) + timedelta(minutes=30), self.case_card,
                      deal)
            if deal.accept == 1:
                runner.at(max(deal.quote_at or deal.created_at, deal.created_at) + timedelta(hours=1),
                          self.finance_joins, deal)

    def task(self, moment, deal: DealPlan, type_: str, title: str, due) -> None:
        seller = self.runner.seller(deal.seller)
        task = task_create(actor=seller, title=title, type=type_, due_at=due, customer=deal.customer.pk,
                           opportunity=deal.pk)
        deal.tasks[title] = task.pk
        self.runner.counts["tasks"] += 1

    def task_done(self, moment, deal: DealPlan, title: str) -> None:
        task_id = deal.tasks.get(title)
        self.runner.task_done(moment, self.runner.seller(deal.seller), task_id, self.rng.choice(CALL_OUTCOMES))

    def case_card(self, moment, deal: DealPlan) -> None:
        rng = self.rng
        values = {"expected_decision_date": self.plan.today + timedelta(days=rng.randint(2, 30)),
                  "probability": rng.choice((30, 50, 60, 70, 80, 90))}
        if rng.random() < 0.3:
            values["competitors"] = [rng.choice([c[0] for c in data.COMPETITORS])]
        opportunity_update(actor=self.runner.seller(deal.seller), opportunity_id=deal.pk, **values)

    def finance_joins(self, moment, deal: DealPlan) -> None:
        """The sales manager puts the F&I manager on the deal (only an assigner adds someone else)."""
        location = deal.customer.location
        opportunity_update(actor=self.dealer.managers[location], opportunity_id=deal.pk,
                           assignees=[self.dealer.finance.pk])

    # --- Leads -------------------------------------------------------------------------------------------------

    def leads(self) -> None:
        """This week's calls: each salesperson's leads to call back (one of them late), the web form's
        leads of the last two days still unassigned, and a few leads given up."""
        runner, rng, now = self.runner, self.rng, self.plan.now
        crowd = runner.crowd
        for index, seller in enumerate(data.SELLERS):
            for number in range(rng.randint(2, 4)):
                person = crowd.person(seller.location, email=rng.random() < 0.75)
                created = self.business(self.plan.today - timedelta(days=rng.randint(2, 20)))
                offset = (0, 0, 1, 3, -2)[number % 5] if number < 4 else rng.randint(-3, 6)
                next_contact = self.business(self.plan.today + timedelta(days=offset), 10, 18)
                source = rng.choice(("facebook", "website", "trade_show", "referral", "kijiji"))
                runner.at(created, self.lead, index, person, source, next_contact, number == 3)
        for _n in range(max(2, round(6 * min(runner.scale * 4, 1)))):
            location = "st-jerome" if rng.random() < 0.6 else "mont-laurier"
            person = crowd.person(location)
            runner.at(now - timedelta(hours=rng.uniform(1, 48)), self.web_form_lead, person)

    def lead(self, moment, index: int, person, source: str, next_contact, lost: bool) -> None:
        seller = self.runner.seller(index)
        media = "event" if source == "trade_show" else "phone" if source == "referral" else "web_form"
        lead = lead_create(actor=seller, first_name=person.first_name, last_name=person.last_name,
                           email=person.email, phones=person.phones[:1], city=person.city,
                           postal_code=person.postal_code, source=self.runner.sources[source],
                           media=self.runner.media[media], notes=self.rng.choice(LEAD_NOTES),
                           status="contacted", next_contact_at=None if lost else next_contact)
        if lost:
            lead_update(actor=seller, lead_id=lead.pk, status="lost")
        self.runner.counts["leads"] += 1

    def web_form_lead(self, moment, person) -> None:
        lead_create(actor=None, channel="web_form", first_name=person.first_name, last_name=person.last_name,
                    email=person.email, phones=person.phones[:1], city=person.city, postal_code=person.postal_code,
                    source=self.runner.sources["website"], notes="Formulaire « Demande d'essai routier ».")
        self.runner.counts["leads"] += 1
