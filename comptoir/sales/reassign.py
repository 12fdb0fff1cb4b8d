"""What follows a deal given to another salesperson (issue 23): the apps above sales move their own rows
(activities: the deal's open tasks of the one who had it), and the new salesperson is told by email.

A follower is `follower(*, actor, opportunity, old, new) -> dict[str, int]`, registered with
`on_reassigned` when its app starts (its AppConfig.ready()), so sales imports none of them (as
leads.conversion does for a converted lead). It moves its rows with its own writes inside the
reassignment's transaction and answers how many it moved, by kind ({"tasks": 2}); the deal's history
and the email say so."""

from collections.abc import Callable

from django.core.mail import send_mail
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext, ngettext

from comptoir.accounts.models import User
from comptoir.core.emails import public_url
from comptoir.core.formatting import money_text
from comptoir.sales.models import Opportunity

_FOLLOWERS: list[Callable[..., dict]] = []


def on_reassigned(follower: Callable[..., dict]) -> Callable[..., dict]:
    if follower not in _FOLLOWERS:
        _FOLLOWERS.append(follower)
    return follower


def reassigned_followers_run(*, actor, opportunity: Opportunity, old: User | None, new: User | None) -> dict[str, int]:
    moved: dict[str, int] = {}
    for follower in _FOLLOWERS:
        for kind, count in follower(actor=actor, opportunity=opportunity, old=old, new=new).items():
            moved[kind] = moved.get(kind, 0) + count
    return moved


def reassigned_email_text(opportunity: Opportunity, *, new: User, by: User | None, old_name: str,
                          tasks: int) -> tuple[str, str]:
    """The subject and body telling `new` the deal is theirs now, in the active language."""
    customer = opportunity.customer
    subject = gettext("Opportunité %(number)s confiée : %(customer)s") % {
        "number": opportunity.number, "customer": customer.display_name}
    what = " · ".join(part for part in (opportunity.product, opportunity.inventory_unit,
                                        money_text(opportunity.amount, opportunity.currency)
                                        if opportunity.amount is not None else "") if part)
    lines = [
        gettext("Bonjour %(name)s,") % {"name": new.first_name or new.username},
        gettext("%(by)s vous a confié l'opportunité %(number)s de %(customer)s (étape « %(stage)s »), "
                "suivie jusqu'ici par %(old)s.") % {
            "by": by.display_name if by is not None else "Comptoir", "number": opportunity.number,
            "customer": customer.display_name, "stage": opportunity.stage.name, "old": old_name or "—"},
    ]
    if what:
        lines.append(gettext("Objet : %(what)s") % {"what": what})
    phones = ", ".join(phone.number for phone in customer.phones.all())
    contact = " · ".join(part for part in (phones, customer.email if customer.has_email else "") if part)
    if contact:
        lines.append(gettext("Pour joindre le client : %(contact)s") % {"contact": contact})
    if tasks:
        lines.append(ngettext("%(count)d tâche ouverte vous a été transférée.",
                              "%(count)d tâches ouvertes vous ont été transférées.", tasks) % {"count": tasks})
    if opportunity.expected_decision_date:
        lines.append(gettext("Décision attendue le %(date)s.") % {
            "date": formats.date_format(opportunity.expected_decision_date)})
    lines.append(gettext("Fiche de l'opportunité : %(link)s") % {
        "link": public_url(reverse("opportunity-card", args=[opportunity.pk]))})
    return subject, "\n\n".join(lines)


def reassigned_notify_send(*, opportunity_id: int, user_id: int, by_id: int | None, old_name: str,
                           tasks: int) -> bool:
    """The email to the salesperson a deal was given to (run by the worker once the reassignment is
    committed), in their language. Nothing when the deal has gone to someone else since, or when they
    have no address. Answers whether it left."""
    opportunity = (Opportunity.objects.select_related("customer", "stage").prefetch_related("customer__phones")
                   .filter(pk=opportunity_id, salesperson_id=user_id).first())
    new = User.objects.filter(pk=user_id, is_active=True).first()
    if opportunity is None or new is None or not new.email:
        return False
    by = User.objects.filter(pk=by_id).first() if by_id else None
    with translation.override(new.language):
        subject, body = reassigned_email_text(opportunity, new=new, by=by, old_name=old_name, tasks=tasks)
        send_mail(subject, body, None, [new.email])
    return True
