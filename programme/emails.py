"""The e-mail purposes of the team pages: invitations to join a team."""

import datetime as dt

from django.utils.translation import gettext_lazy as _

from academy.models import HELSINKI
from notifications.purposes import Purpose, register

register(
    Purpose(
        "team_invitation",
        _("Invitation to join an organisation's team"),
        lambda: {
            "organisation": "Esimerkkilän kaupunki",
            "role": "Hankinta-asiantuntija",
            "invited_by": "Maija Meikäläinen",
            "expires_at": dt.datetime(2022, 3, 20, 12, 0, tzinfo=HELSINKI),
            "url": "https://example.fi/invitations/…/",
        },
    )
)
