"""A user's calendar as ICS (RFC 5545), for Google Calendar, Outlook or a phone to subscribe to."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

EVENT_MINUTES = 30


def calendar_ics(user, entries: dict) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Comptoir//CRM//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Comptoir — %(name)s") % {"name": user.display_name})
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now()
    for task in entries["tasks"]:
        event = Event()
        event.add("uid", f"task-{task.pk}@comptoir")
        event.add("dtstamp", stamp)
        event.add("dtstart", task.due_at)
        event.add("dtend", task.due_at + timedelta(minutes=EVENT_MINUTES))
        about = task.customer or task.lead or task.opportunity
        event.add("summary", f"{task.type.label} : {task.title}" + (f" ({about})" if about else ""))
        if task.notes:
            event.add("description", task.notes)
        calendar.add_component(event)
    for lead in entries["leads"]:
        event = Event()
        event.add("uid", f"lead-{lead.pk}@comptoir")
        event.add("dtstamp", stamp)
        event.add("dtstart", lead.next_contact_at)
        event.add("dtend", lead.next_contact_at + timedelta(minutes=EVENT_MINUTES))
        event.add("summary", _("Relancer %(name)s") % {"name": str(lead)})
        details = [p["number"] for p in lead.phones] + ([lead.email] if lead.email_status == "valid" else [])
        if details:
            event.add("description", " · ".join(details))
        calendar.add_component(event)
    return calendar.to_ical()
