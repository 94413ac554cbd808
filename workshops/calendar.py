"""Calendar data (iCalendar) for sessions: as invitations, and as events of a feed.

Invitations carry METHOD:REQUEST (or METHOD:CANCEL); a person's feed
(``programme.calendar``) is a published calendar (METHOD:PUBLISH).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone, translation
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Session, SessionState

PRODUCT_ID = "-//Low-carbon Procurement Academy//Sessions//FI"


def host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def session_uid(session: Session) -> str:
    return f"session-{session.uid}@{host()}"


def location(session: Session) -> str:
    return ", ".join(part for part in (session.place, session.online_url) if part)


def session_event(session: Session, *, language: str, attendee=None) -> Event:
    event = Event()
    cancelled = session.state == SessionState.CANCELLED
    event.add("uid", session_uid(session))
    event.add("sequence", session.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    with translation.override(language):
        event.add("summary", f"{session.title} – {session.cohort.title}")
        if session.agenda:
            event.add("description", session.agenda)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if where := location(session):
        event.add("location", where)
    if session.online_url:
        event.add("url", session.online_url)
    organizer = vCalAddress(f"mailto:{session.cohort.contact_email}")
    organizer.params["cn"] = vText(str(session.cohort.title))
    event.add("organizer", organizer)
    if attendee is not None:
        address = vCalAddress(f"mailto:{attendee.email}")
        address.params["cn"] = vText(attendee.get_full_name())
        address.params["role"] = vText("REQ-PARTICIPANT")
        address.params["partstat"] = vText("NEEDS-ACTION")
        # Who comes is told on the session's page, where the whole team is listed.
        address.params["rsvp"] = vText("FALSE")
        event.add("attendee", address)
    return event


def calendar_of(method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    return calendar


def invitation_calendar(session: Session, attendee, *, language: str) -> str:
    """The session as an invitation to one person, or its cancellation."""
    method = "CANCEL" if session.state == SessionState.CANCELLED else "REQUEST"
    calendar = calendar_of(method)
    calendar.add_component(session_event(session, language=language, attendee=attendee))
    return calendar.to_ical().decode()
