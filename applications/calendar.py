"""Calendar invitations (iCalendar) for interviews, made with the icalendar library.

An interview keeps one UID for its whole life; every change sent raises its
SEQUENCE, so calendar programs replace the earlier version instead of adding
a second event, and a cancellation (METHOD:CANCEL) removes it.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Interview

PRODUCT_ID = "-//Low-carbon Procurement Academy//Interviews//FI"


def interview_uid(interview: Interview) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"interview-{interview.uid}@{host}"


def interview_event(interview: Interview, *, cancel: bool = False, language: str) -> Event:
    """The interview as one calendar event, for an invitation or for a calendar feed."""
    slot, application = interview.slot, interview.application
    event = Event()
    event.add("uid", interview_uid(interview))
    event.add("sequence", interview.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", slot.starts_at)
    event.add("dtend", slot.ends_at)
    with translation.override(language):
        event.add(
            "summary",
            _("Interview: %(organisation)s, %(programme)s")
            % {
                "organisation": application.organisation_name,
                "programme": application.cohort.title,
            },
        )
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    if slot.meeting_url:
        event.add("location", slot.meeting_url)
        event.add("url", slot.meeting_url)
    organizer = vCalAddress(f"mailto:{application.cohort.contact_email}")
    organizer.params["cn"] = vText(str(application.cohort.title))
    event.add("organizer", organizer)
    return event


def interview_calendar(interview: Interview, *, cancel: bool = False, language: str) -> str:
    """The interview as an invitation (METHOD:REQUEST) or a cancellation (METHOD:CANCEL)."""
    application = interview.application
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel else "REQUEST")
    event = interview_event(interview, cancel=cancel, language=language)
    attendee = vCalAddress(f"mailto:{application.applicant.email}")
    attendee.params["cn"] = vText(application.applicant.name or application.applicant.email)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("NEEDS-ACTION")
    attendee.params["rsvp"] = vText("TRUE")
    event.add("attendee", attendee)
    calendar.add_component(event)
    return calendar.to_ical().decode()
