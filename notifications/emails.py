"""The e-mail purposes this app sends itself."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .purposes import Purpose, register

TEST_EMAIL = register(
    Purpose(
        "test_email",
        _("Test e-mail sent from the administration"),
        sample_context=lambda: {"sent_by": "Programme staff", "sent_at": timezone.now()},
    )
)

ACCOUNT_INACTIVE = register(
    Purpose(
        "account_inactive",
        _("An unused account is about to be erased"),
        sample_context=lambda: {
            "last_seen": timezone.now() - dt.timedelta(days=3 * 365),
            "erased_on": timezone.now() + dt.timedelta(days=30),
            "sign_in_url": "https://akatemia.example.fi/accounts/login/",
            "contact_email": "akatemia@example.fi",
        },
    )
)
