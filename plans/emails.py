"""The e-mail purposes of the action plan: action item reminders, and comments between
programme staff and the team."""

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
    }


def _comment_sample() -> dict:
    return {
        "cohort": "Vähähiilisten hankintojen akatemia 2022",
        "organisation": "Esimerkkilän kaupunki",
        "section": "Pilottihankinta",
        "author": "Sanna Sparraaja",
        "body": "Voisiko kriteereihin lisätä **kasvisruokapäivän**?",
        "url": "https://example.fi/workspace/1/plan/pilot/#comments-pilot",
        "contact_email": "akatemia@example.fi",
    }


register(Purpose("action_item_reminder", _("Action item reminder"), _action_item_sample))
register(Purpose("action_item_overdue", _("Action item overdue"), _action_item_sample))
register(Purpose("plan_comment", _("Comment on the action plan (to the team)"), _comment_sample))
register(
    Purpose(
        "plan_comment_staff", _("The team's comment on its action plan (to staff)"), _comment_sample
    )
)
