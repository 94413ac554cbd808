"""Calendar data (iCalendar) for sessions, and each person's calendar feed.

Invitations carry METHOD:REQUEST (or METHOD:CANCEL); the feed is a published
calendar (METHOD:PUBLISH) that calendar programs fetch again now and then, so a
moved session appears moved and a cancelled one cancelled.
"""

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from academy.links import absolute_url
from academy.models import HELSINKI, Participation
from applications.calendar import interview_event
from applications.models import Interview

from .models import Session, SessionState

PRODUCT_ID = "-//Low-carbon Procurement Academy//Sessions//FI"


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def session_uid(session: Session) -> str:
    return f"session-{session.uid}@{_host()}"


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


def _calendar(method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    return calendar


def invitation_calendar(session: Session, attendee, *, language: str) -> str:
    """The session as an invitation to one person, or its cancellation."""
    method = "CANCEL" if session.state == SessionState.CANCELLED else "REQUEST"
    calendar = _calendar(method)
    calendar.add_component(session_event(session, language=language, attendee=attendee))
    return calendar.to_ical().decode()


def _deadline_event(uid: str, summary: str, at: dt.datetime, url: str) -> Event:
    event = Event()
    event.add("uid", f"{uid}@{_host()}")
    event.add("dtstamp", timezone.now())
    # A deadline is a moment; shown as a quarter of an hour ending at it.
    event.add("dtstart", at - dt.timedelta(minutes=15))
    event.add("dtend", at)
    event.add("summary", summary)
    event.add("url", url)
    event.add("transp", "TRANSPARENT")
    return event


def feed_calendar(user, *, now: dt.datetime) -> str:
    """Everything on a person's programme calendar: sessions, interviews, deadlines."""
    from assignments.models import Submission

    language = user.preferred_language
    calendar = _calendar("PUBLISH")
    with translation.override(language):
        calendar.add("x-wr-calname", _("Low-carbon Procurement Academy"))
        calendar.add("x-wr-timezone", str(HELSINKI))
        participations = list(
            Participation.objects.of_user(user).select_related("cohort", "organisation")
        )
        sessions = (
            Session.objects.visible()
            .filter(attendances__user=user)
            .select_related("cohort")
            .distinct()
        )
        for session in sessions:
            calendar.add_component(session_event(session, language=language))
        interviews = Interview.objects.filter(
            application__applicant=user, cancelled_at__isnull=True
        ).select_related("slot", "application__cohort")
        for interview in interviews:
            calendar.add_component(interview_event(interview, language=language))
        submissions = {
            (s.assignment.cohort_id, s.organisation_id): s
            for s in Submission.objects.filter(
                organisation__in=[p.organisation_id for p in participations]
            ).select_related("assignment")
        }
        for participation in participations:
            assignment = getattr(participation.cohort, "pre_assignment", None)
            if assignment is None or assignment.sent_at is None:
                continue
            submission = submissions.get((participation.cohort_id, participation.organisation_id))
            due = submission.due_at if submission else assignment.due_at
            calendar.add_component(
                _deadline_event(
                    f"pre-assignment-{assignment.pk}-{participation.organisation_id}",
                    _("Pre-assignment due: %(organisation)s")
                    % {"organisation": participation.organisation.name},
                    due,
                    absolute_url(
                        "assignments:submission", language=language, participation=participation.pk
                    ),
                )
            )
    return calendar.to_ical().decode()
