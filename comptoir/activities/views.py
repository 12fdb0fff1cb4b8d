"""The private calendar feed: no sign-in, the secret in its address is the permission."""

from django.http import Http404, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_GET

from comptoir.activities.calendar import calendar_ics
from comptoir.activities.models import CalendarFeed
from comptoir.activities.selectors import calendar_entries


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
