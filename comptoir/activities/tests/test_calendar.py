"""The private ICS feed: a lead's next contact and an open task are events of their owner."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

pytestmark = pytest.mark.django_db


def test_the_ics_feed_validates_and_contains_the_next_contact_event(salesperson, salesperson_api):
    contact = (timezone.now() + timedelta(days=1)).replace(microsecond=0)
    salesperson_api.post("/leads", {"first_name": "Marie", "last_name": "Tremblay", "next_contact_at": contact.isoformat(),
                                    "phones": [{"number": "819 555-0101"}]})
    salesperson_api.post("/tasks", {"title": "Appeler pour l'essai", "due_at": (contact + timedelta(hours=2)).isoformat()})
    url = salesperson_api.get("/me/calendar").json()["ics_url"]

    response = Client().get(url.split("testserver", 1)[1])

    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = {str(e["uid"]).split("-")[0]: e for e in calendar.walk("VEVENT")}
    assert set(events) == {"lead", "task"}
    assert "Marie Tremblay" in str(events["lead"]["summary"])
    assert events["lead"].decoded("dtstart") == contact
    assert "Appeler pour l'essai" in str(events["task"]["summary"])


def test_a_reset_feed_address_stops_working(salesperson_api):
    old = salesperson_api.get("/me/calendar").json()["ics_url"].split("testserver", 1)[1]

    new = salesperson_api.post("/me/calendar/reset").json()["ics_url"].split("testserver", 1)[1]

    assert old != new
    assert (Client().get(old).status_code, Client().get(new).status_code) == (404, 200)
