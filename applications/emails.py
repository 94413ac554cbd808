"""The e-mail purposes of the application window."""

import datetime as dt

from django.utils.translation import gettext_lazy as _

from academy.models import HELSINKI
from notifications.purposes import Purpose, register


def _confirmation_sample() -> dict:
    return {
        "cohort": "Vähähiilisten hankintojen akatemia 2022",
        "organisation": "Esimerkkilän kaupunki",
        "submitted_at": dt.datetime(2022, 2, 7, 14, 5, tzinfo=HELSINKI),
        "deadline": dt.datetime(2022, 2, 11, 23, 59, 59, tzinfo=HELSINKI),
        "interviews_start": dt.date(2022, 1, 31),
        "interviews_end": dt.date(2022, 2, 20),
        "decisions_on": dt.date(2022, 2, 25),
        "contact_email": "akatemia@example.fi",
        "url": "https://example.fi/applications/…/",
        "interview_url": "https://example.fi/applications/…/interview/",
        "sections": [
            {
                "title": "Organisaatio",
                "items": [{"label": "Organisaation nimi", "value": "Esimerkkilän kaupunki"}],
            }
        ],
        "team": [
            {
                "role": "Hankinnoista vastaava",
                "name": "Maija Meikäläinen",
                "title": "Hankintapäällikkö",
                "email": "maija@example.fi",
            }
        ],
    }


def _received_sample() -> dict:
    return {
        "cohort": "Vähähiilisten hankintojen akatemia 2022",
        "organisation": "Esimerkkilän kaupunki",
        "business_id": "0201256-6",
        "kind": "Kunta",
        "submitted_at": dt.datetime(2022, 2, 7, 14, 5, tzinfo=HELSINKI),
        "url": "https://example.fi/admin/applications/application/1/change/",
    }


def _reminder_sample() -> dict:
    return {
        "cohort": "Vähähiilisten hankintojen akatemia 2022",
        "organisation": "Esimerkkilän kaupunki",
        "deadline": dt.datetime(2022, 2, 11, 23, 59, 59, tzinfo=HELSINKI),
        "missing": 3,
        "url": "https://example.fi/applications/…/",
        "contact_email": "akatemia@example.fi",
    }


def _withdrawn_sample() -> dict:
    return {
        "cohort": "Vähähiilisten hankintojen akatemia 2022",
        "organisation": "Esimerkkilän kaupunki",
        "withdrawn_at": dt.datetime(2022, 2, 8, 10, 0, tzinfo=HELSINKI),
        "contact_email": "akatemia@example.fi",
    }


register(
    Purpose(
        "application_submitted",
        _("Application submitted: confirmation with a copy of the answers"),
        _confirmation_sample,
    )
)
register(Purpose("application_received", _("New application: notice to staff"), _received_sample))
register(
    Purpose(
        "application_draft_reminder",
        _("Reminder: an unsubmitted draft before the deadline"),
        _reminder_sample,
    )
)
register(
    Purpose(
        "application_deadline_changed",
        _("One organisation's deadline extended or changed"),
        lambda: {
            **_reminder_sample(),
            "deadline": dt.datetime(2022, 2, 14, 16, 0, tzinfo=HELSINKI),
        },
    )
)
register(
    Purpose("application_withdrawn", _("Application withdrawn: confirmation"), _withdrawn_sample)
)
register(
    Purpose(
        "application_withdrawn_staff",
        _("Application withdrawn: notice to staff"),
        lambda: {
            **_withdrawn_sample(),
            "reason": "Resurssit eivät riitä tänä vuonna.",
            "url": "https://example.fi/admin/applications/application/1/change/",
        },
    )
)


def _interview_sample() -> dict:
    return {
        "cohort": "Vähähiilisten hankintojen akatemia 2022",
        "organisation": "Esimerkkilän kaupunki",
        "starts_at": dt.datetime(2022, 2, 2, 10, 0, tzinfo=HELSINKI),
        "ends_at": dt.datetime(2022, 2, 2, 10, 45, tzinfo=HELSINKI),
        "meeting_url": "https://meet.example.fi/akatemia",
        "cutoff_hours": 24,
        "url": "https://example.fi/applications/…/interview/",
        "contact_email": "akatemia@example.fi",
    }


register(
    Purpose(
        "interview_booked", _("Interview booked, with a calendar invitation"), _interview_sample
    )
)


def _moved_sample() -> dict:
    return {
        **_interview_sample(),
        "earlier_starts_at": dt.datetime(2022, 2, 1, 13, 0, tzinfo=HELSINKI),
        "earlier_ends_at": dt.datetime(2022, 2, 1, 13, 45, tzinfo=HELSINKI),
    }


register(Purpose("interview_moved", _("Interview moved, with a calendar update"), _moved_sample))
register(
    Purpose(
        "interview_cancelled",
        _("Interview cancelled, with a calendar cancellation"),
        _interview_sample,
    )
)
register(
    Purpose(
        "interview_booking_reminder",
        _("Reminder: book an interview time"),
        lambda: {
            **_interview_sample(),
            "interviews_end": dt.date(2022, 2, 20),
        },
    )
)
register(Purpose("interview_reminder", _("Reminder: interview tomorrow"), _interview_sample))
register(
    Purpose(
        "interview_reminder_staff",
        _("Reminder to the interviewers: interview tomorrow"),
        _interview_sample,
    )
)


def _decision_sample() -> dict:
    return {
        "cohort": "Vähähiilisten hankintojen akatemia 2022",
        "organisation": "Esimerkkilän kaupunki",
        "confirm_by": dt.datetime(2022, 3, 4, 12, 0, tzinfo=HELSINKI),
        "confirmation_days": 7,
        "kickoff_start": dt.datetime(2022, 3, 16, 9, 0, tzinfo=HELSINKI),
        "kickoff_end": dt.datetime(2022, 3, 16, 11, 0, tzinfo=HELSINKI),
        "url": "https://example.fi/applications/…/confirm/",
        "contact_email": "akatemia@example.fi",
    }


def _staff_decision_sample() -> dict:
    return {
        "cohort": "Vähähiilisten hankintojen akatemia 2022",
        "organisation": "Esimerkkilän kaupunki",
        "taken": 5,
        "capacity": 6,
        "needs_staff": False,
        "url": "https://example.fi/admin/applications/application/1/change/",
    }


register(Purpose("decision_selected", _("Decision: selected (action required)"), _decision_sample))
register(Purpose("decision_reserve", _("Decision: reserve"), _decision_sample))
register(Purpose("decision_not_selected", _("Decision: not selected"), _decision_sample))
register(
    Purpose(
        "decision_confirm_reminder",
        _("Reminder: confirm participation"),
        _decision_sample,
    )
)
register(
    Purpose(
        "decision_confirmed_staff",
        _("Participation confirmed: notice to staff"),
        _staff_decision_sample,
    )
)
register(
    Purpose(
        "decision_declined_staff",
        _("Place declined: notice to staff"),
        _staff_decision_sample,
    )
)
