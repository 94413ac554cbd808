"""Each person's calendar feed: their sessions, interviews and deadlines in one calendar.

A published calendar (METHOD:PUBLISH) that calendar programs fetch again now
and then, so a moved session appears moved and a cancelled one cancelled.
"""

import datetime as dt

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Event

from academy.links import absolute_url
from academy.models import HELSINKI, Participation
from applications.calendar import interview_event
from applications.models import Interview
from assignments.models import Submission
from workshops.calendar import calendar_of, host, session_event
from workshops.models import Session


def _deadline_event(uid: str, summary: str, at: dt.datetime, url: str) -> Event:
    event = Event()
    event.add("uid", f"{uid}@{host()}")
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
    language = user.preferred_language
    calendar = calendar_of("PUBLISH")
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
