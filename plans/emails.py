"""The e-mail purposes of the action plan."""

import datetime as dt

from django.utils.translation import gettext_lazy as _

from notifications.purposes import Purpose, register

from .models import ActionItemState


def _action_item_sample() -> dict:
    return {
        "cohort": "Vähähiilisten hankintojen akatemia 2022",
        "organisation": "Esimerkkilän kaupunki",
        "title": "Ruokapalveluiden markkinavuoropuhelu",
        "due": dt.date(2022, 9, 30),
        "state": ActionItemState.OPEN.label,
        "url": "https://example.fi/workspace/1/plan/actions/1/",
        "contact_email": "akatemia@example.fi",
    }


register(Purpose("action_item_reminder", _("Action item reminder"), _action_item_sample))
register(Purpose("action_item_overdue", _("Action item overdue"), _action_item_sample))
