"""Public tracking endpoints (no login: the recipient's mail client calls them), the unsubscribe link
(its signed token is the permission) and the card's communications section."""

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.db.models import Q

from comptoir.accounts.models import User
from comptoir.accounts.selectors import ASSIGNABLE
from comptoir.activities.selectors import record_get
from comptoir.core import permissions
from comptoir.core.exceptions import ApplicationError
from comptoir.core.views import render_page_or_rows
from comptoir.messaging import selectors, services
from comptoir.messaging.models import Channel
from comptoir.messaging.unsubscribe import unsubscribe, unsubscribe_subject
from comptoir.core.text import is_small_id

# A transparent 1×1 GIF.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


@never_cache
def open_pixel(request, key):
    """Counts an open and answers the same image whatever the key, so it tells nothing to a guesser."""
    services.message_opened(tracking_key=key)
    return HttpResponse(PIXEL, content_type="image/gif")


@never_cache
def click(request, token):
    return HttpResponseRedirect(services.message_clicked(token=token))


@csrf_exempt  # the person follows a link from an email: no session, the signed token is the permission
def unsubscribe_view(request, token):
    """GET shows the choice (mail scanners follow links), POST records it, also as RFC 8058's one-click."""
    subject = unsubscribe_subject(token)
    if request.method == "POST":
        subject = unsubscribe(token=token)
        return render(request, "messaging/unsubscribe.html", {"done": True, "subject": subject})
    return render(request, "messaging/unsubscribe.html", {"done": subject.unsubscribed, "subject": subject})


# --- Signed-in pages: the card's communications, a bulk follow-up and its progress -----------------------

SECTION_LIMIT = 30
CARDS = {"customers": "customer-card", "opportunities": "opportunity-card", "leads": "lead-card"}
TARGET_FIELD = {"customers": "customer", "opportunities": "opportunity", "leads": "lead"}


def _target(target: str, pk: int, actor):
    """The card the section is on: 404 when the kind is unknown or the user may not see it."""
    return record_get(actor=actor, kind=TARGET_FIELD.get(target), pk=pk)


def _compose_values(post) -> dict:
    template = post.get("template") or None
    return {"template_id": int(template) if is_small_id(template) else None,
            "channel": post.get("channel") if post.get("channel") in Channel.values else Channel.EMAIL,
            "subject": post.get("subject", "")[:200], "body": post.get("body", "")[:20_000]}


@login_required
def section(request, target, pk):
    """The communications part of a card (htmx): every email and text in and out, and a form to write."""
    subject = _target(target, pk, request.user)
    history = selectors.message_list(actor=request.user, **{TARGET_FIELD[target]: pk})
    return render(request, "messaging/_section.html", {
        "target": target, "subject": subject, "history": history[:SECTION_LIMIT],
        "templates": selectors.template_list(), "channels": Channel.choices,
    })


@login_required
@require_POST
def compose_preview(request, target, pk):
    """The message as this person will read it, or why it cannot be sent (htmx)."""
    _target(target, pk, request.user)
    try:
        preview = services.messages_preview(actor=request.user, target=target, ids=[pk], limit=1, mailing=False,
                                            to=request.POST.get("to") or None, **_compose_values(request.POST))
    except ApplicationError as error:
        return render(request, "messaging/_preview.html", {"error": error.message})
    return render(request, "messaging/_preview.html", {"preview": preview, "single": True})


@login_required
@require_POST
def compose_send(request, target, pk):
    """Send from the card. Through htmx a refusal shows under the form, which keeps what was typed;
    without JavaScript it comes back as a message at the top of the card."""
    _target(target, pk, request.user)
    values = _compose_values(request.POST)
    htmx = request.headers.get("HX-Request") == "true"
    try:
        services.message_send(actor=request.user, to=request.POST.get("to") or None,
                              **{TARGET_FIELD[target]: pk}, **values)
    except ApplicationError as error:
        if htmx:
            return render(request, "messaging/_preview.html", {"error": error.message})
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Message envoyé : il part dans un instant."))
    card = reverse(CARDS[target], args=[pk])
    if htmx:
        return HttpResponse(status=204, headers={"HX-Redirect": card})
    return redirect(card)


def _ids(values) -> list[int]:
    return [int(v) for v in values if is_small_id(v)][:services.MAX_RECIPIENTS]


@login_required
def bulk_page(request):
    """A bulk follow-up: the selected opportunities, customers or leads, a template, a preview that says
    who is skipped and why, then the send."""
    data = request.POST if request.method == "POST" else request.GET
    target = data.get("target") if data.get("target") in CARDS else "opportunities"
    ids = _ids(data.getlist("ids"))
    template_id = data.get("template")
    template_id = int(template_id) if is_small_id(template_id) else None
    context = {"target": target, "ids": ids, "templates": selectors.template_list(), "template_id": template_id}
    if request.method == "POST" and template_id and ids:
        try:
            # Only what was previewed is sent: a template changed after the preview is previewed again.
            if data.get("confirm") and data.get("previewed") == str(template_id):
                job = services.bulk_send(actor=request.user, template_id=template_id, target=target, ids=ids)
                return redirect("message-bulk-progress", job.pk)
            context["preview"] = services.messages_preview(actor=request.user, target=target, ids=ids,
                                                           template_id=template_id, limit=3)
        except ApplicationError as error:
            context["error"] = error.message
    return render(request, "messaging/bulk.html", context)


@login_required
def bulk_progress_page(request, pk):
    progress = selectors.bulk_progress(actor=request.user, pk=pk)
    partial = request.headers.get("HX-Request") == "true"
    return render(request, "messaging/_progress.html" if partial else "messaging/progress.html",
                  {"progress": progress, "reasons": dict(services.SKIP_MESSAGES)})


# --- The inbox (« Courriels »): the replies each user should answer -------------------------------------------

INBOX_PAGE_SIZE = 50


def _back(request, value) -> str:
    """Where a row's form returns without JavaScript: the inbox as it was filtered, never another site."""
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()},
                                                 require_https=request.is_secure()):
        return value
    return reverse("message-inbox")


def _inbox_people(actor, selected):
    """Whose inbox a manager may open: the active users who work deals (the board's list), and the one
    shown even once inactive. Nobody else's for a salesperson."""
    if not permissions.can_see_team(actor):
        return None
    return (User.objects.filter(ASSIGNABLE | Q(pk__in={actor.pk, selected}))
            .order_by("last_name", "first_name", "username", "pk"))


@login_required
def inbox_page(request):
    """The replies the user should answer (a manager picks a salesperson's), unread ones by default."""
    unread = request.GET.get("unread", "true") not in ("false", "0", "all")
    user = request.GET.get("user", "")
    user_id = int(user) if is_small_id(user) else request.user.pk
    messages_ = selectors.inbox(request.user, user=user_id, unread_only=unread)
    page = Paginator(messages_, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    people = _inbox_people(request.user, user_id)
    owner = next((p for p in people if p.pk == user_id), None) if people is not None else None
    context = {"page": page, "unread": unread, "user_id": user_id, "people": people,
               "owner": owner if user_id != request.user.pk else None, "back": request.get_full_path()}
    if unread and user_id == request.user.pk:
        context["inbox_unread"] = page.paginator.count  # the topbar's figure, already counted for the pages
    return render_page_or_rows(request, "messaging/inbox.html", "messaging/_inbox_list.html", context)


@login_required
def inbox_message(request, pk):
    """One reply, its whole text: opening it marks it read for the user whose inbox it is in."""
    message = services.inbox_message_open(actor=request.user, message_id=pk)
    return render(request, "messaging/inbox_message.html", {
        "message": message, "back": _back(request, request.GET.get("next")),
    })


def _mark(request, pk, read: bool):
    back = _back(request, request.POST.get("next"))
    services.message_mark_read(actor=request.user, message_id=pk, read=read)
    if request.headers.get("HX-Request") != "true":
        return redirect(back)
    # The row again, in place, and the topbar's count (out of band).
    message = selectors.inbox_message_get(actor=request.user, pk=pk)
    return render(request, "messaging/_inbox_row.html", {"message": message, "back": back, "refresh_nav": True})


@login_required
@require_POST
def inbox_mark_read(request, pk):
    return _mark(request, pk, True)


@login_required
@require_POST
def inbox_mark_unread(request, pk):
    return _mark(request, pk, False)
