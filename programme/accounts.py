"""Signing in: allauth's mails go through the outbox, and a new person is sent where they belong."""

import base64
import hashlib
import uuid
from types import SimpleNamespace

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from academy.middleware import FACTORS as SECOND_FACTORS
from academy.models import Participation, User
from notifications.services import queue_rendered


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """A participant lands in the workspace, staff in the admin, others on the programme."""
        if Participation.objects.of_user(request.user).exists():
            return reverse("programme:workspaces")
        if request.user.is_staff:
            return reverse("admin:index")
        return super().get_login_redirect_url(request)

    def save_user(self, request: HttpRequest, user: User, form, commit: bool = True) -> User:
        # A person who signs up on the Swedish pages gets their e-mail in Swedish.
        user.name = form.cleaned_data.get("name", "")
        user.preferred_language = get_language()
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's mails (verification, sign-in codes, password reset) go through the outbox."""
        request = allauth_context.request
        site = SimpleNamespace(name=_("Low-carbon Procurement Academy"), domain=request.get_host())
        message = self.render_mail(
            template_prefix,
            email,
            {"request": request, "email": email, "current_site": site, **context},
        )
        html = next(
            (body for body, kind in getattr(message, "alternatives", []) if kind == "text/html"), ""
        )
        queue_rendered(
            purpose=template_prefix.replace("/", "."),
            to=email,
            subject=message.subject,
            body_text=message.body,
            body_html=html,
            # Every code and link is new: each of these mails is sent once, never deduplicated.
            key=f"{template_prefix}:{uuid.uuid4().hex}",
            recipient=User.objects.filter(email__iexact=email).first(),
            language=get_language(),
            # Verification links, sign-in codes and password links open accounts.
            sensitive=True,
        )


def _fernet(secret: str) -> Fernet:
    digest = hashlib.sha256(f"mfa-secrets:{secret}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


class MFAAdapter(DefaultMFAAdapter):
    """TOTP secrets are stored encrypted with a key made from SECRET_KEY; secrets written
    under a key in SECRET_KEY_FALLBACKS still open, so the key can be rotated."""

    def _keys(self) -> MultiFernet:
        secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
        return MultiFernet([_fernet(secret) for secret in secrets])

    def encrypt(self, text: str) -> str:
        return self._keys().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return self._keys().decrypt(encrypted_text.encode()).decode()

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Staff keep at least one second factor: they may replace it, not go without."""
        if not authenticator.user.is_staff:
            return True
        return (
            Authenticator.objects.filter(user=authenticator.user, type__in=SECOND_FACTORS)
            .exclude(pk=authenticator.pk)
            .exists()
        )
