"""The day-before reminder of a session, to each person invited who has not said no."""

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from academy.links import absolute_url
from academy.models import Participation
from notifications.models import OffsetDirection
from notifications.reminders import Recipient, ReminderRule, register

from .calendar import location
from .models import Attendance, SessionState


class SessionReminder(ReminderRule[Attendance]):
    name = "session_upcoming"
    label = _("Session coming up")
    purpose = "session_reminder"
    default_offsets = ((1, OffsetDirection.BEFORE),)

    def objects(self, cohort, now):
        rows = (
            Attendance.objects.filter(
                session__cohort=cohort,
                session__state=SessionState.PUBLISHED,
                session__starts_at__gt=now,
                invited_sequence__gte=0,
            )
            .filter(Q(coming__isnull=True) | Q(coming=True))
            .select_related("session__cohort", "user", "organisation")
        )
        participations = {
            p.organisation_id: p.pk for p in Participation.objects.filter(cohort=cohort)
        }
        for row in rows:
            row.participation_id = participations.get(row.organisation_id)
            yield row

    def date(self, obj: Attendance) -> dt.datetime:
        return obj.session.starts_at

    def recipients(self, obj: Attendance):
        return [Recipient(obj.user.email, obj.user)]

    def context(self, obj: Attendance) -> dict:
        session = obj.session
        url = ""
        if obj.participation_id:
            url = absolute_url(
                "workshops:session",
                language=obj.user.preferred_language,
                participation=obj.participation_id,
                session=session.pk,
            )
        return {
            "cohort": session.cohort.title,
            "title": session.title,
            "organisation": obj.organisation.name,
            "starts_at": session.starts_at,
            "ends_at": session.ends_at,
            "location": location(session),
            "online_url": session.online_url,
            "url": url,
            "contact_email": session.cohort.contact_email,
        }


SESSION_REMINDER = register(SessionReminder())
