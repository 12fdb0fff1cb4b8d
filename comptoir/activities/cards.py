"""Tasks on the cards of the apps below activities (customers, leads, opportunities) and the next
task on the sales board, registered in core.cards when Django starts (ActivitiesConfig.ready), so
none of those apps imports activities."""

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from comptoir.activities.models import Task
from comptoir.activities.selectors import task_list
from comptoir.core.cards import card_section, list_annotation

TASKS = _("Tâches")
TEMPLATE = "activities/_card_tasks.html"


@card_section("customers.Customer", name="tasks", title=TASKS, template=TEMPLATE)
def customer_tasks(actor, customer) -> dict:
    return {"tasks": task_list(actor=actor, customer=customer.pk), "customer_id": customer.pk}


@card_section("leads.Lead", name="tasks", title=TASKS, template=TEMPLATE)
def lead_tasks(actor, lead) -> dict:
    return {"tasks": task_list(actor=actor, lead=lead.pk), "lead_id": lead.pk}


@card_section("sales.Opportunity", name="tasks", title=TASKS, template=TEMPLATE)
def opportunity_tasks(actor, opportunity) -> dict:
    """The deal's tasks, and the next one still to do (the card's « Et ensuite ? »)."""
    tasks = list(task_list(actor=actor, opportunity=opportunity.pk))
    return {"tasks": tasks, "opportunity_id": opportunity.pk,
            "next_task": next((task for task in tasks if task.done_at is None), None)}


@list_annotation("sales.Opportunity")
def opportunity_next_task() -> dict:
    """Each deal's next open task, its due date and title, in the list's own query (the board)."""
    upcoming = Task.objects.filter(opportunity=OuterRef("pk"), done_at__isnull=True).order_by("due_at", "pk")
    return {"next_task_due": Subquery(upcoming.values("due_at")[:1]),
            "next_task_title": Subquery(upcoming.values("title")[:1])}
