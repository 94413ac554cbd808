"""Reminders of the pre-assignment, to the teams of organisations that have not submitted."""

import datetime as dt

from django.utils.translation import gettext_lazy as _

from academy.links import absolute_url
from academy.models import Participation
from notifications.models import OffsetDirection
from notifications.reminders import Recipient, ReminderRule, register

from .models import Assignment, SubmissionState


class AssignmentReminder(ReminderRule[Participation]):
    name = "assignment_due"
    label = _("Pre-assignment not submitted, before its due date")
    purpose = "assignment_reminder"
    default_offsets = ((7, OffsetDirection.BEFORE), (1, OffsetDirection.BEFORE))

    def objects(self, cohort, now):
        assignment = Assignment.objects.filter(cohort=cohort, sent_at__isnull=False).first()
        if assignment is None:
            return []
        submitted = assignment.submissions.filter(state=SubmissionState.FINAL).values(
            "organisation_id"
        )
        extensions = dict(
            assignment.submissions.filter(extended_due_at__isnull=False).values_list(
                "organisation_id", "extended_due_at"
            )
        )
        participations = (
            Participation.objects.filter(cohort=cohort)
            .exclude(organisation_id__in=submitted)
            .select_related("cohort", "organisation")
            .prefetch_related("organisation__memberships__user")
        )
        for participation in participations:
            participation.assignment = assignment
            participation.due_at = extensions.get(participation.organisation_id) or (
                assignment.due_at
            )
            yield participation

    def date(self, obj: Participation) -> dt.datetime:
        return obj.due_at

    def recipients(self, obj: Participation):
        return [
            Recipient(membership.user.email, membership.user)
            for membership in obj.organisation.memberships.all()
        ]

    def context(self, obj: Participation) -> dict:
        return {
            "cohort": obj.cohort.title,
            "title": obj.assignment.title,
            "organisation": obj.organisation.name,
            "due_at": obj.due_at,
            "cutoff_at": obj.assignment.cutoff_for(obj.due_at),
            "url": absolute_url("assignments:submission", participation=obj.pk),
            "contact_email": obj.cohort.contact_email,
        }


ASSIGNMENT_REMINDER = register(AssignmentReminder())
