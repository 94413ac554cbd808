"""Reminders of the application window, sent by the notifications sweep."""

import datetime as dt

from django.utils.translation import gettext_lazy as _

from academy.links import absolute_url
from academy.models import HELSINKI
from notifications.models import OffsetDirection
from notifications.reminders import Recipient, ReminderRule, register

from .checklist import missing
from .models import Application, ApplicationState, Interview


def to_applicant(application: Application) -> list[Recipient]:
    return [Recipient(application.applicant.email, application.applicant)]


def applicant_context(application: Application, page: str) -> dict:
    """What every reminder to an applicant names: programme, organisation, page, whom to ask."""
    language = application.applicant.preferred_language
    return {
        "cohort": application.cohort.title,
        "organisation": application.organisation_name,
        "url": absolute_url(page, language=language, public_id=application.public_id),
        "contact_email": application.cohort.contact_email,
    }


class DraftReminder(ReminderRule[Application]):
    """To the person holding an unsubmitted draft, before their deadline (an extension counts)."""

    name = "application_draft"
    label = _("Unsubmitted application draft, before the deadline")
    purpose = "application_draft_reminder"
    default_offsets = ((3, OffsetDirection.BEFORE), (1, OffsetDirection.BEFORE))

    def objects(self, cohort, now):
        return (
            Application.objects.filter(cohort=cohort, state=ApplicationState.DRAFT)
            .select_related("cohort", "applicant")
            .prefetch_related("team")
        )

    def date(self, obj: Application) -> dt.datetime:
        return obj.deadline

    def recipients(self, obj: Application):
        return to_applicant(obj)

    def context(self, obj: Application) -> dict:
        return {
            **applicant_context(obj, "applications:detail"),
            "deadline": obj.deadline,
            "missing": len(missing(obj, obj.team.all())),
        }


DRAFT_REMINDER = register(DraftReminder())


class UnbookedInterviewReminder(ReminderRule[Application]):
    """To an applicant who submitted but has not booked an interview, while interviews go on."""

    name = "interview_unbooked"
    label = _("Submitted application without a booked interview")
    purpose = "interview_booking_reminder"
    default_offsets = ((3, OffsetDirection.AFTER),)

    def objects(self, cohort, now):
        if cohort.interviews_end < now.astimezone(HELSINKI).date():
            return Application.objects.none()
        return (
            Application.objects.filter(cohort=cohort, state=ApplicationState.SUBMITTED)
            .without_interview()
            .select_related("cohort", "applicant")
        )

    def date(self, obj: Application) -> dt.datetime:
        assert obj.submitted_at is not None  # objects() are submitted
        return obj.submitted_at

    def recipients(self, obj: Application):
        return to_applicant(obj)

    def context(self, obj: Application) -> dict:
        return {
            **applicant_context(obj, "applications:interview"),
            "interviews_end": obj.cohort.interviews_end,
        }


class InterviewReminder(ReminderRule[Interview]):
    """The day before an interview, to the applicant."""

    name = "interview_upcoming"
    label = _("Interview coming up")
    purpose = "interview_reminder"
    default_offsets = ((1, OffsetDirection.BEFORE),)

    def objects(self, cohort, now):
        return (
            Interview.objects.active()
            .filter(slot__cohort=cohort, application__state=ApplicationState.SUBMITTED)
            .select_related("slot__cohort", "application__applicant", "application__cohort")
            .prefetch_related("slot__interviewers")
        )

    def date(self, obj: Interview) -> dt.datetime:
        return obj.slot.starts_at

    def recipients(self, obj: Interview):
        return to_applicant(obj.application)

    def context(self, obj: Interview) -> dict:
        return {
            **applicant_context(obj.application, "applications:interview"),
            "starts_at": obj.slot.starts_at,
            "ends_at": obj.slot.ends_at,
            "meeting_url": obj.slot.meeting_url,
        }


class InterviewerReminder(InterviewReminder):
    """The day before an interview, to each of its interviewers, with the way to the desk."""

    name = "interview_upcoming_interviewer"
    label = _("Interview coming up (to the interviewers)")
    purpose = "interview_reminder_staff"

    def recipients(self, obj: Interview):
        return [Recipient(person.email, person) for person in obj.slot.interviewers.all()]

    def context(self, obj: Interview) -> dict:
        desk = absolute_url("admin:applications_interview_change", object_id=obj.pk)
        return {**super().context(obj), "url": desk}


UNBOOKED_REMINDER = register(UnbookedInterviewReminder())
INTERVIEW_REMINDER = register(InterviewReminder())
INTERVIEWER_REMINDER = register(InterviewerReminder())


class ConfirmationReminder(ReminderRule[Application]):
    """A nudge to a selected organisation that has not confirmed, before its deadline."""

    name = "decision_unconfirmed"
    label = _("Selected organisation has not confirmed")
    purpose = "decision_confirm_reminder"
    default_offsets = ((2, OffsetDirection.BEFORE),)

    def objects(self, cohort, now):
        return Application.objects.filter(
            cohort=cohort, state=ApplicationState.SELECTED, confirm_by__isnull=False
        ).select_related("cohort", "applicant")

    def date(self, obj: Application) -> dt.datetime:
        assert obj.confirm_by is not None  # objects() have a time to confirm by
        return obj.confirm_by

    def recipients(self, obj: Application):
        return to_applicant(obj)

    def context(self, obj: Application) -> dict:
        return {**applicant_context(obj, "applications:confirm"), "confirm_by": obj.confirm_by}


CONFIRMATION_REMINDER = register(ConfirmationReminder())
