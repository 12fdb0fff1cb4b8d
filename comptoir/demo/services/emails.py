"""The history's emails: the follow-up after a test ride (opened, answered, or bounced: a hard bounce
marks the email invalid through the messaging service that reads bounces), the replies in the
salespeople's inboxes, and the addresses that bounced on a mailing. Sent emails go to the dummy
backend at their date (demo.services.clock.nothing_delivered)."""

from datetime import datetime, time, timedelta

from comptoir.customers.models import Customer
from comptoir.demo.services.plan import CustomerPlan, DealPlan
from comptoir.messaging.models import Message
from comptoir.messaging.services import (
    bulk_send, email_bounced, message_mark_read, message_opened, message_send, messages_deliver_due,
    reply_received,
)
from comptoir.messaging.unsubscribe import unsubscribe, unsubscribe_token

BOUNCE_REASON = "550 5.1.1 Recipient address rejected: user unknown"


class EmailSteps:
    def bounce(self, moment, customer: CustomerPlan, message) -> None:
        """DESIGN: a hard bounce marks the email invalid, through the messaging service that reads them."""
        if customer.pk is None or customer.bounced:
            return
        email_bounced(email=customer.person.email, message=message, hard=True, reason=BOUNCE_REASON,
                      external_id=f"demo-bounce-{customer.index}")
        customer.bounced = True
        self.counts["bounces"] += 1

    def follow_up(self, moment, deal: DealPlan) -> None:
        """The follow-up from its template (« Suivi de votre demande », « Relance après essai »), sent (to
        the demo's dummy backend) at its date; then it bounces, or is opened, and sometimes answered."""
        customer = deal.customer
        if customer.bounced:
            return
        message = message_send(actor=self.seller(deal.seller), template_id=self.dealer.templates[deal.follow_up].pk,
                               opportunity=deal.pk)
        messages_deliver_due(now=moment)
        message.refresh_from_db()
        self.counts["emails"] += 1
        rng = self.rng
        if customer.bounce:
            self.at(moment + timedelta(minutes=2), self.bounce, customer, message)
            return
        if rng.random() < 0.62:
            opened = moment + timedelta(hours=rng.uniform(0.2, 30))
            self.at(opened, self.opened, message.tracking_key)
            if rng.random() < 0.3:
                self.at(opened + timedelta(minutes=rng.randint(3, 240)), self.reply, deal, message)

    def opened(self, moment, tracking_key: str) -> None:
        message_opened(tracking_key=tracking_key, now=moment)

    REPLIES = (
        "Bonjour, merci ! Est-ce que le prix inclut la préparation et le transport ?",
        "Je passe samedi matin pour l'essai, est-ce que ça vous va ?",
        "Pouvez-vous me faire un prix avec mon échange ?",
        "Ma conjointe veut le voir aussi, on passe jeudi soir.",
        "Merci, je vous reviens la semaine prochaine.",
        "Est-ce que vous l'avez en noir ?",
        "Quel serait le paiement sur 84 mois avec 2000 $ comptant ?",
        "J'ai eu une offre ailleurs, pouvez-vous faire mieux ?",
    )

    def reply(self, moment, deal: DealPlan, message) -> None:
        """The customer answers: the reply lands in the salesperson's inbox, read a few hours later,
        except these last two weeks' (and a few forgotten)."""
        reply = reply_received(from_address=deal.customer.person.email, subject=f"Re: {message.subject}",
                               body_text=self.rng.choice(self.REPLIES),
                               message_id=f"demo-reply-{deal.index}@{deal.customer.person.email.split('@')[1]}",
                               references=[message.message_id], received_at=moment)
        if reply is None:
            return
        self.counts["replies"] += 1
        read = moment + timedelta(hours=self.rng.uniform(0.5, 8))
        if read < self.plan.now - timedelta(days=14) and self.rng.random() < 0.95:
            self.at(read, self.read, deal, reply.pk)

    def read(self, moment, deal: DealPlan, message_id: int) -> None:
        message_mark_read(actor=self.seller(deal.seller), message_id=message_id)

    def newsletter(self) -> None:
        """Last month's mailing to the dealer's former customers: the sales manager's bulk send, which the
        worker sends at the settings' pace; a third of them open it, a couple unsubscribe."""
        last_month = self.plan.today.replace(day=1) - timedelta(days=1)
        moment = datetime.combine(last_month.replace(day=15), time(10), tzinfo=self.plan.zone)
        if moment.weekday() == 6:
            moment += timedelta(days=1)
        customers = [c for c in self.plan.customers if c.how == "dms" and c.email == "valid" and not c.bounce
                     and self.rng.random() < 0.6]
        if customers:
            self.at(moment, self.bulk, customers)

    def bulk(self, moment, customers: list[CustomerPlan]) -> None:
        manager = self.dealer.managers["st-jerome"]
        job = bulk_send(actor=manager, template_id=self.dealer.templates["Nouvelles du client"].pk,
                        target="customers", ids=[c.pk for c in customers])
        messages = list(Message.objects.filter(bulk=job).values_list("tracking_key", "customer_id"))
        for minute in range(1, len(messages) // 50 + 3):
            self.at(moment + timedelta(minutes=minute), self.deliver)
        for tracking_key, customer_id in messages:
            if self.rng.random() < 0.35:
                opened = moment + timedelta(hours=self.rng.uniform(1, 72))
                self.at(opened, self.opened, tracking_key)
                if self.rng.random() < 0.02:
                    self.at(opened + timedelta(minutes=2), self.unsubscribe, customer_id)
        self.counts["emails"] += len(messages)

    def deliver(self, moment) -> None:
        messages_deliver_due(now=moment)

    def unsubscribe(self, moment, customer_id: int) -> None:
        """DESIGN: following the unsubscribe link sets `unsubscribed`; bulk sends skip them."""
        unsubscribe(token=unsubscribe_token(Customer.objects.get(pk=customer_id)))
