"""An organisation's programme timeline: its sessions and deadlines, in order."""

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from academy.models import Participation

from .models import Session, SessionState


@dataclass
class TimelineEvent:
    starts_at: dt.datetime
    title: str
    kind: str
    past: bool
    url: str = ""
    ends_at: dt.datetime | None = None
    session: Session | None = None
    cancelled: bool = False


def timeline(participation: Participation, *, now: dt.datetime) -> list[TimelineEvent]:
    sessions = (
        Session.objects.visible()
        .for_participation(participation)
        .select_related("cohort")
        .order_by("starts_at")
    )
    events = [
        TimelineEvent(
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            title=session.title,
            kind=session.get_kind_display(),
            past=session.has_ended(now),
            url=reverse(
                "workshops:session",
                kwargs={"participation": participation.pk, "session": session.pk},
            ),
            session=session,
            cancelled=session.state == SessionState.CANCELLED,
        )
        for session in sessions
    ]
    assignment = getattr(participation.cohort, "pre_assignment", None)
    if assignment is not None and assignment.sent_at is not None:
        due = (
            assignment.submissions.filter(organisation_id=participation.organisation_id)
            .values_list("extended_due_at", flat=True)
            .first()
        ) or assignment.due_at
        events.append(
            TimelineEvent(
                starts_at=due,
                title=_("Pre-assignment due"),
                kind=_("Deadline"),
                past=now > due,
                url=reverse("assignments:submission", kwargs={"participation": participation.pk}),
            )
        )
    events.sort(key=lambda event: event.starts_at)
    return events
