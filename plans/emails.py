"""The e-mail purposes of the action plan: comments between programme staff and the team."""

from django.utils.translation import gettext_lazy as _

from notifications.purposes import Purpose, register


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


register(Purpose("plan_comment", _("Comment on the action plan (to the team)"), _comment_sample))
register(
    Purpose(
        "plan_comment_staff", _("The team's comment on its action plan (to staff)"), _comment_sample
    )
)
