"""Reminders of the application window, sent by the notifications sweep."""

import datetime as dt

from django.utils.translation import gettext_lazy as _

from academy.links import absolute_url
from notifications.models import OffsetDirection
from notifications.reminders import Recipient, ReminderRule, register

from .checklist import missing
from .models import Application, ApplicationState


class DraftReminder(ReminderRule):
    """To the person holding an unsubmitted draft, before their deadline (an extension counts)."""

    name = "application_draft"
    label = _("Unsubmitted application draft, before the deadline")
    purpose = "application_draft_reminder"
    default_offsets = ((3, OffsetDirection.BEFORE), (1, OffsetDirection.BEFORE))

    def objects(self, cohort):
        return (
            Application.objects.filter(cohort=cohort, state=ApplicationState.DRAFT)
            .select_related("cohort", "applicant")
            .prefetch_related("team")
        )

    def date(self, obj: Application) -> dt.datetime:
        return obj.deadline

    def recipients(self, obj: Application):
        return [Recipient(obj.applicant.email, obj.applicant)]

    def context(self, obj: Application) -> dict:
        language = obj.applicant.preferred_language
        return {
            "cohort": obj.cohort.title,
            "organisation": obj.organisation_name,
            "deadline": obj.deadline,
            "missing": len(missing(obj, obj.team.all())),
            "url": absolute_url("applications:detail", language=language, public_id=obj.public_id),
            "contact_email": obj.cohort.contact_email,
        }


DRAFT_REMINDER = register(DraftReminder())
