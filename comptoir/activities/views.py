"""Pages reached without signing in: the private calendar feed (the secret in its address is the
permission) and the unsubscribe link (its signed token is)."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from comptoir.activities.calendar import calendar_ics
from comptoir.activities.models import CalendarFeed
from comptoir.activities.selectors import calendar_entries
from comptoir.activities.services import unsubscribe, unsubscribe_subject


@require_GET
def calendar_feed(request, secret):
    feed = CalendarFeed.objects.select_related("user").filter(secret=secret, user__is_active=True).first()
    if feed is None:
        raise Http404()
    with translation.override("fr-ca"):
        body = calendar_ics(feed.user, calendar_entries(feed.user))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


@csrf_exempt  # the person follows a link from an email: no session, the signed token is the permission
def unsubscribe_view(request, token):
    """GET shows the choice (mail scanners follow links), POST records it, also as RFC 8058's one-click."""
    subject = unsubscribe_subject(token)
    if request.method == "POST":
        subject = unsubscribe(token=token)
        return render(request, "activities/unsubscribe.html", {"done": True, "subject": subject})
    return render(request, "activities/unsubscribe.html", {"done": subject.unsubscribed, "subject": subject})
