"""The page a user lands on after signing in (LOGIN_REDIRECT_URL = "home"): a salesperson's day, a
manager's team month, reception's walk-ins and leads to assign. Thin: comptoir.home.selectors reads,
the links open the other apps' pages on the deals behind each figure."""

from calendar import monthrange
from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from comptoir.activities.selectors import task_list
from comptoir.core import permissions
from comptoir.core.selectors import site_settings_get
from comptoir.core.text import is_small_id
from comptoir.home import selectors
from comptoir.home.search import search_everything

AWAITING_LIMIT = 25


def _url(name: str, query: dict, anchor: str = "") -> str:
    return f"{reverse(name)}?{urlencode(query)}" + (f"#{anchor}" if anchor else "")


def month_links(person_pk: int, first: date, last: date) -> dict:
    """Where each figure of a salesperson's month opens: the deals behind it, on the existing pages.
    Created → the board of their deals created in the month (every status); sales → the conversion's
    drill-down of their deals won in the month; closing rate → the conversion by salesperson for the
    month (won and lost, each a link); email ratio and points → the month's email ratio by salesperson."""
    return {
        "created": _url("sales-board", {"salesperson": person_pk, "status": "", "created_from": first.isoformat(),
                                        "created_to": last.isoformat()}),
        "won": _url("sales-deals", {"from": first.isoformat(), "to": last.isoformat(), "by": "salesperson",
                                    "outcome": "won", "group": person_pk}),
        "closing": _url("sales-analytics", {"date_from": first.isoformat(), "date_to": last.isoformat(),
                                            "by": "salesperson"}),
        "email": _url("sales-analytics", {"date_from": first.isoformat(), "date_to": last.isoformat(),
                                          "by": "salesperson", "month": first.strftime("%Y-%m")}, "email-ratio"),
        "overdue": _url("home", {"overdue": person_pk}, "overdue-list"),
    }


def _month(today: date) -> tuple[date, date]:
    return today.replace(day=1), today.replace(day=monthrange(today.year, today.month)[1])


def _sort_links(current: str) -> dict:
    """Each column's heading link: a figure sorts largest first, then smallest first; the name A to Z."""
    links = {}
    for key in selectors.TEAM_SORTS:
        first = key if key == "name" else f"-{key}"
        target = (key if current == f"-{key}" else f"-{key}") if current.lstrip("-") == key else first
        links[key] = {"url": _url("home", {"sort": target}, "team"),
                      "aria": ("descending" if current.startswith("-") else "ascending")
                      if current.lstrip("-") == key else None}
    return links


def _task_row(request, pk: str):
    """One task row after « Fait » (htmx): task_done redirects here, with its message shown in the row."""
    task = task_list(actor=request.user).filter(pk=pk).first() if is_small_id(pk) else None
    notes = list(messages.get_messages(request))  # read here, so they do not show again on the next page
    if task is None:
        return HttpResponse(status=204)
    return render(request, "home/_task.html", {"task": task, "notes": notes, "when": "time"})


@login_required
@require_GET
def home(request):
    user = request.user
    if request.headers.get("HX-Request") and "done" in request.GET:
        return _task_row(request, request.GET["done"])
    today = timezone.localdate()
    first, last = _month(today)
    context = {"today": today, "month": first, "can_admin": permissions.can_manage_settings(user)}
    if permissions.can_see_team(user):
        return render(request, "home/manager.html", {**context, **_team(request, first, last)})
    if permissions.has_capability(user, "work_own"):
        return render(request, "home/salesperson.html", {
            **context, **selectors.salesperson_day(actor=user),
            "figures": selectors.salesperson_month(actor=user, year=first.year, month=first.month),
            "links": month_links(user.pk, first, last),
            "email_target": site_settings_get().email_ratio_target_pct,
        })
    if permissions.has_capability(user, "create_customers"):
        return render(request, "home/reception.html", {**context, **selectors.reception_day(actor=user)})
    return render(request, "home/plain.html", context)


def _team(request, first: date, last: date) -> dict:
    user = request.user
    team = selectors.team_month(actor=user, year=first.year, month=first.month,
                                sort=request.GET.get("sort", selectors.DEFAULT_TEAM_SORT)[:20])
    for row in team["rows"]:
        row["links"] = month_links(row["person"].pk, first, last)
    awaiting = list(selectors.opportunities_awaiting_manager(actor=user)[:AWAITING_LIMIT + 1])
    context = {
        "team": team, "sorts": _sort_links(team["sort"]), "own": selectors.own_task_counts(actor=user),
        "awaiting": awaiting[:AWAITING_LIMIT], "more_awaiting": len(awaiting) > AWAITING_LIMIT,
        "margin_warning": site_settings_get().margin_warning_pct,
        "overdue_total": sum(row["overdue"] for row in team["rows"]),
        "overdue_first": _url("home", {"sort": "-overdue"}, "team"),
    }
    chosen = request.GET.get("overdue", "")
    if is_small_id(chosen):
        # Whoever has an overdue task the actor may see has a line in the team's table.
        person = next((row["person"] for row in team["rows"] if row["person"].pk == int(chosen)), None)
        if person is not None:
            tasks, more = selectors.overdue_tasks_of(actor=user, assignee=person.pk)
            context["overdue_of"] = {"person": person, "tasks": tasks, "more": more}
    return context


@login_required
def search(request):
    """Everything matching the topbar's search; an opportunity's exact number opens its card."""
    found = search_everything(actor=request.user, q=request.GET.get("q"))
    exact = [o for o in found["opportunities"] if o.number == found["q"].upper()]
    if len(exact) == 1 and not found["customers"] and not found["leads"]:
        return redirect("opportunity-card", exact[0].pk)
    return render(request, "search.html", found)
