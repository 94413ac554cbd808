"""The e-mail purposes of the programme's sessions."""

import datetime as dt

from django.utils.translation import gettext_lazy as _

from academy.models import HELSINKI
from notifications.purposes import Purpose, register


def _session_sample() -> dict:
    return {
        "cohort": "Vähähiilisten hankintojen akatemia 2022",
        "title": "Aloitustilaisuus",
        "kind": "Aloitustilaisuus",
        "organisation": "Esimerkkilän kaupunki",
        "starts_at": dt.datetime(2022, 3, 16, 9, 0, tzinfo=HELSINKI),
        "ends_at": dt.datetime(2022, 3, 16, 11, 0, tzinfo=HELSINKI),
        "online_url": "https://meet.example.fi/aloitus",
        "place": "",
        "location": "https://meet.example.fi/aloitus",
        "agenda": "1. Tervetuloa\n2. Hankintojen toimintamalli\n3. Tavoitetilakeskustelut",
        "url": "https://example.fi/workspace/1/sessions/1/",
        "contact_email": "akatemia@example.fi",
    }


def _kickoff_sample() -> dict:
    return {
        **_session_sample(),
        "assignment": {
            "title": "Ennakkotehtävä",
            "instructions": "Kuvatkaa organisaationne hankintojen nykytila.",
            "due_at": dt.datetime(2022, 3, 11, 16, 0, tzinfo=HELSINKI),
            "templates": ["Ennakkotehtäväpohja"],
            "types": ".pdf, .docx, .xlsx",
            "max_size_mb": 20,
            "url": "https://example.fi/workspace/1/pre-assignment/",
        },
    }


def _recording_sample() -> dict:
    return {
        "cohort": "Vähähiilisten hankintojen akatemia 2022",
        "title": "Infotilaisuus",
        "starts_at": dt.datetime(2022, 1, 24, 13, 0, tzinfo=HELSINKI),
        "recording_url": "https://video.example.fi/infotilaisuus",
        "programme_url": "https://example.fi/",
        "contact_email": "akatemia@example.fi",
    }


register(Purpose("session_invitation", _("Session invitation"), _kickoff_sample))
register(Purpose("session_changed", _("Session changed"), _session_sample))
register(Purpose("session_cancelled", _("Session cancelled"), _session_sample))
register(Purpose("session_reminder", _("Session reminder, the day before"), _session_sample))
register(Purpose("recording_link", _("Info session recording"), _recording_sample))


def _picked_sample() -> dict:
    return {
        "cohort": "Vähähiilisten hankintojen akatemia 2022",
        "organisation": "Esimerkkilän kaupunki",
        "title": "Sparrausaika A: Esimerkkilän kaupunki",
        "starts_at": dt.datetime(2022, 4, 5, 13, 0, tzinfo=HELSINKI),
        "ends_at": dt.datetime(2022, 4, 5, 14, 30, tzinfo=HELSINKI),
        "url": "https://example.fi/admin/workshops/session/1/change/",
    }


register(Purpose("sparring_picked_staff", _("Sparring time picked (to staff)"), _picked_sample))
