"""The e-mail purposes of the pre-assignment."""

import datetime as dt

from django.utils.translation import gettext_lazy as _

from academy.models import HELSINKI
from notifications.purposes import Purpose, register


def _base() -> dict:
    return {
        "cohort": "Vähähiilisten hankintojen akatemia 2022",
        "title": "Ennakkotehtävä",
        "organisation": "Esimerkkilän kaupunki",
        "url": "https://example.fi/workspace/1/pre-assignment/",
        "contact_email": "akatemia@example.fi",
    }


def _sent_sample() -> dict:
    return {
        **_base(),
        "instructions": "Kuvatkaa organisaationne hankintojen nykytila.",
        "due_at": dt.datetime(2022, 3, 11, 16, 0, tzinfo=HELSINKI),
        "templates": ["Ennakkotehtäväpohja"],
        "types": ".pdf, .docx, .xlsx",
        "max_size_mb": 20,
    }


def _reminder_sample() -> dict:
    return {
        **_base(),
        "due_at": dt.datetime(2022, 3, 11, 16, 0, tzinfo=HELSINKI),
        "cutoff_at": dt.datetime(2022, 3, 15, 16, 0, tzinfo=HELSINKI),
    }


register(Purpose("assignment_sent", _("Pre-assignment (sent on its own)"), _sent_sample))
register(Purpose("assignment_reminder", _("Pre-assignment reminder"), _reminder_sample))
register(Purpose("assignment_feedback", _("Feedback on the pre-assignment"), _base))


def _due_changed_sample() -> dict:
    return {
        **_base(),
        "due_at": dt.datetime(2022, 3, 18, 16, 0, tzinfo=HELSINKI),
        "extension": True,
    }


register(
    Purpose(
        "assignment_due_changed",
        _("Pre-assignment's due date changed"),
        _due_changed_sample,
    )
)
