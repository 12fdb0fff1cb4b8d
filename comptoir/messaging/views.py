"""Public tracking endpoints (no login: the recipient's mail client calls them) and the card's
communications section."""

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from comptoir.core.exceptions import ApplicationError
from comptoir.messaging import selectors, services
from comptoir.messaging.models import Channel

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


# --- Signed-in pages: the card's communications, a bulk follow-up and its progress -----------------------

SECTION_LIMIT = 30
CARDS = {"customers": "customer-card", "opportunities": "opportunity-card", "leads": "lead-card"}
TARGET_FIELD = {"customers": "customer", "opportunities": "opportunity", "leads": "lead"}


def _target(target: str, pk: int, actor):
    """The card the section is on: 404 when the kind is unknown or the user may not see it."""
    from comptoir.activities.selectors import record_get

    return record_get(actor=actor, kind=TARGET_FIELD.get(target), pk=pk)


def _compose_values(post) -> dict:
    template = post.get("template") or None
    return {"template_id": int(template) if template and template.isdigit() else None,
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
    return [int(v) for v in values if v.isdigit()][:services.MAX_RECIPIENTS]


@login_required
def bulk_page(request):
    """A bulk follow-up: the selected opportunities, customers or leads, a template, a preview that says
    who is skipped and why, then the send."""
    data = request.POST if request.method == "POST" else request.GET
    target = data.get("target") if data.get("target") in CARDS else "opportunities"
    ids = _ids(data.getlist("ids"))
    template_id = data.get("template")
    template_id = int(template_id) if template_id and template_id.isdigit() else None
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
