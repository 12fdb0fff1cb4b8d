"""The card's « Pièces jointes » section (htmx), downloads for the signed-in, and the signed link a customer
opens without an account. Thin: the services and selectors decide."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from comptoir.attachments import kinds, selectors, services
from comptoir.attachments.models import Attachment
from comptoir.core.exceptions import NotFound
from comptoir.core.views import catch_refusal
from comptoir.messaging.selectors import text_phone

CARDS = {"customers": "customer-card", "opportunities": "opportunity-card"}
SECTION_LIMIT = 100


def file_response(attachment: Attachment) -> FileResponse:
    """The file under its own name: images and PDF shown in the browser, the rest downloaded; the type is
    the one read from the content, and the browser may not guess another (nosniff)."""
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type,
                            as_attachment=not attachment.inline,
                            filename=attachment.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _target(request, target: str, pk: int):
    """The card: 404 when the kind is unknown or the user may not see it."""
    return selectors.record_get(actor=request.user, kind=selectors.TARGETS.get(target), pk=pk)


def _section(request, target: str, pk: int, *, error=None, notice=None):
    record = _target(request, target, pk)
    customer = record if target == "customers" else record.customer
    attachments = list(selectors.attachments_of(record)[:SECTION_LIMIT])
    for attachment in attachments:
        attachment.deletable = services.attachment_may_delete(request.user, attachment)
    return render(request, "attachments/_section.html", {
        "target": target, "record": record, "customer": customer, "section_id": f"attachments-{target}-{pk}",
        "phone": text_phone(customer.phones.all()),
        "attachments": attachments, "error": error, "notice": notice,
        "accept": ",".join(f".{extension}" for extension in kinds.allowed_extensions()),
        "max_bytes": settings.COMPTOIR_ATTACHMENT_MAX_BYTES,
    })


def _after(request, target: str, pk: int, *, error=None, notice=None):
    """Through htmx the section comes back in place (with what went wrong); without JavaScript, the card.
    A record gone or hidden is no refusal to show there: it stays a 404."""
    if request.headers.get("HX-Request") == "true":
        return _section(request, target, pk, error=error, notice=notice)
    if error is not None:
        messages.error(request, str(error))
    elif notice is not None:
        messages.success(request, str(notice))
    return redirect(CARDS[target], pk)


@login_required
def section(request, target, pk):
    return _section(request, target, pk)


@login_required
@require_POST
def upload(request, target, pk):
    _target(request, target, pk)
    with catch_refusal(let_through=NotFound) as refused:
        services.attachment_add(actor=request.user, upload=request.FILES.get("file"),
                                description=request.POST.get("description", ""),
                                **{selectors.TARGETS[target]: pk})
    if refused:
        return _after(request, target, pk, error=refused.message)
    return _after(request, target, pk, notice=_("Fichier ajouté."))


def _target_of(attachment: Attachment) -> tuple[str, int]:
    if attachment.customer_id:
        return "customers", attachment.customer_id
    return "opportunities", attachment.opportunity_id


@login_required
@require_POST
def send(request, pk):
    attachment = selectors.attachment_get(actor=request.user, pk=pk)
    target, target_pk = _target_of(attachment)
    with catch_refusal(let_through=NotFound) as refused:
        message = services.attachment_send(actor=request.user, attachment_id=pk,
                                           channel=request.POST.get("channel", ""),
                                           to=request.POST.get("to", "").strip()[:254] or None)
    if refused:
        return _after(request, target, target_pk, error=refused.message)
    return _after(request, target, target_pk,
                  notice=_("Lien envoyé à %(to)s : il part dans un instant.") % {"to": message.to})


@login_required
@require_POST
def delete(request, pk):
    attachment = selectors.attachment_get(actor=request.user, pk=pk)
    target, target_pk = _target_of(attachment)
    with catch_refusal(let_through=NotFound) as refused:
        services.attachment_delete(actor=request.user, attachment_id=pk)
    if refused:
        return _after(request, target, target_pk, error=refused.message)
    return _after(request, target, target_pk, notice=_("Fichier supprimé."))


@login_required
def download(request, pk):
    return file_response(selectors.attachment_get(actor=request.user, pk=pk))


@never_cache
def shared(request, token):
    """The link sent to a customer: no account, the signature and its date are the key (404 otherwise)."""
    response = file_response(selectors.attachment_from_token(token))
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
