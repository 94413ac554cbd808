"""Where an organisation stands with the pre-assignment, for its workspace and staff's dashboard."""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from academy.models import Participation

from .models import Assignment, Submission, SubmissionState


class Standing:
    NOT_SENT = "not_sent"
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    SUBMITTED_LATE = "submitted_late"
    OVERDUE = "overdue"
    CLOSED = "closed"

    LABELS = {
        NOT_SENT: _("Not yet sent"),
        NOT_STARTED: _("Not started"),
        IN_PROGRESS: _("In progress"),
        SUBMITTED: _("Submitted"),
        SUBMITTED_LATE: _("Submitted late"),
        OVERDUE: _("Overdue"),
        CLOSED: _("Closed without a submission"),
    }


@dataclass
class Status:
    assignment: Assignment | None
    submission: Submission | None
    code: str
    due_at: dt.datetime | None
    files: int = 0

    @property
    def label(self) -> str:
        return str(Standing.LABELS[self.code])

    @property
    def overdue(self) -> bool:
        return self.code in (Standing.OVERDUE, Standing.CLOSED)


def status_of(
    assignment: Assignment | None, submission: Submission | None, *, now: dt.datetime, files: int
) -> Status:
    if assignment is None or assignment.sent_at is None:
        return Status(assignment, submission, Standing.NOT_SENT, None)
    due = submission.due_at if submission else assignment.due_at
    if submission is not None and submission.state == SubmissionState.FINAL:
        code = Standing.SUBMITTED_LATE if submission.is_late else Standing.SUBMITTED
    elif now > due:
        code = Standing.OVERDUE if (submission or assignment).is_open_at(now) else Standing.CLOSED
    else:
        code = Standing.IN_PROGRESS if files else Standing.NOT_STARTED
    return Status(assignment, submission, code, due, files)


def pre_assignment_status(participation: Participation, *, now: dt.datetime) -> Status:
    assignment = Assignment.objects.filter(cohort_id=participation.cohort_id).first()
    submission = None
    files = 0
    if assignment is not None:
        submission = Submission.objects.filter(
            assignment=assignment, organisation_id=participation.organisation_id
        ).first()
        if submission is not None:
            files = submission.files.current().count()
    return status_of(assignment, submission, now=now, files=files)
