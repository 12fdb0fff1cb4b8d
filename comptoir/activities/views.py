"""Activities pages. Without signing in: the private calendar feed (the secret in its address is the
permission). Signed in: my day, the week, tasks added from any card and marked done."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from comptoir.activities import selectors, services
from comptoir.activities.calendar import calendar_ics
from comptoir.activities.models import CalendarFeed
from comptoir.core.figures import day_bounds
from comptoir.core.text import is_small_id
from comptoir.core.views import refusal_as_message


@require_GET
def calendar_feed(request, secret):
    feed = CalendarFeed.objects.select_related("user").filter(secret=secret, user__is_active=True).first()
    if feed is None:
        raise Http404()
    with translation.override(feed.user.language):
        body = calendar_ics(feed.user, selectors.calendar_entries(feed.user))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


def _back(request, fallback: str):
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


@login_required
@require_POST
def task_new(request):
    values = {key: request.POST.get(key) for key in ("customer", "lead", "opportunity") if request.POST.get(key)}
    due = parse_datetime(request.POST.get("due_at", ""))
    if due is not None and timezone.is_naive(due):
        due = timezone.make_aware(due)
    try:
        with refusal_as_message(request):
            services.task_create(actor=request.user, title=request.POST.get("title", ""), due_at=due,
                                 type=request.POST.get("type") or "call",
                                 **{k: int(v) for k, v in values.items() if is_small_id(v)})
            messages.success(request, _("Tâche ajoutée."))
    except ValidationError:  # a missing or unreadable date: full_clean's
        messages.error(request, _("Indiquez l'échéance de la tâche."))
    return _back(request, "my-day")


@login_required
@require_POST
def task_done(request, pk):
    with refusal_as_message(request):
        services.task_complete(actor=request.user, task_id=pk, outcome=request.POST.get("outcome", ""))
        messages.success(request, _("Tâche faite."))
    return _back(request, "my-day")


def task_subject_url(task) -> str:
    """The card of what a task is about, or nothing."""
    if task.opportunity_id:
        return reverse("opportunity-card", args=[task.opportunity_id])
    if task.customer_id:
        return reverse("customer-card", args=[task.customer_id])
    if task.lead_id:
        return reverse("lead-card", args=[task.lead_id])
    return ""


@login_required
def my_day(request):
    today, now = timezone.localdate(), timezone.now()
    start, end = day_bounds(today)
    open_tasks = selectors.task_list(actor=request.user, assignee=request.user.pk, done=False)
    return render(request, "activities/my_day.html", {
        "today": today,
        "overdue": open_tasks.filter(selectors.overdue_q(now)),
        "today_tasks": open_tasks.filter(due_at__gte=now, due_at__lt=end),
        "leads": selectors.leads_to_contact(user=request.user, start=start, end=end),
    })


@login_required
def calendar_week(request):
    today = timezone.localdate()
    try:
        first = parse_date(request.GET.get("start") or "") or today
    except ValueError:  # 2026-02-30: well formed, but no such day
        first = today
    first -= timedelta(days=first.weekday())  # weeks start on Monday
    start, _end = day_bounds(first)
    end = start + timedelta(days=7)
    tasks = selectors.task_list(actor=request.user, assignee=request.user.pk, done=False).filter(
        due_at__gte=start, due_at__lt=end)
    leads = selectors.leads_to_contact(user=request.user, start=start, end=end)
    now = timezone.now()
    days = [{"date": first + timedelta(days=n), "items": []} for n in range(7)]
    for task in tasks.select_related("customer", "lead", "opportunity"):
        days[(timezone.localtime(task.due_at).date() - first).days]["items"].append(
            {"at": timezone.localtime(task.due_at),
             "label": _("%(type)s : %(title)s") % {"type": task.type.label, "title": task.title},
             "url": task_subject_url(task), "overdue": task.due_at < now})
    for lead in leads:
        days[(timezone.localtime(lead.next_contact_at).date() - first).days]["items"].append(
            {"at": timezone.localtime(lead.next_contact_at), "label": _("Relancer %(name)s") % {"name": str(lead)},
             "url": reverse("lead-card", args=[lead.pk]), "overdue": False})
    for day in days:
        day["items"].sort(key=lambda item: item["at"])
    return render(request, "activities/week.html", {
        "days": days, "start": first, "today": today,
        "previous": first - timedelta(days=7), "next": first + timedelta(days=7)})
