"""The e-mail purposes this app sends itself."""

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
