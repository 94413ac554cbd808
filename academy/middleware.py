"""Staff sessions, and the headers and methods of every response.

Staff sessions: a second factor before any page, a short idle time and a limited lifetime.

Staff see every applicant's and participant's personal data, so a stolen password
must not be enough: a staff user without a second factor (an authenticator app or
a security key) is sent to set one up and sees nothing else until they have.
Their session also ends after ``STAFF_SESSION_IDLE`` without a request and, however
busy, ``STAFF_SESSION_LIFETIME`` after signing in.
"""

import time

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
)
from django.shortcuts import redirect, resolve_url
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext as _

# What a staff user may open before they have a second factor: signing in and out,
# setting up the factor, and their sessions.
SETUP_VIEWS = ("account_", "mfa_", "usersessions_")
FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)
STARTED = "staff_session_started"


def has_second_factor(user) -> bool:
    return Authenticator.objects.filter(user=user, type__in=FACTORS).exists()


class StaffSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = request.user
        if not (user.is_authenticated and user.is_staff):
            return None
        now = int(time.time())
        started = request.session.setdefault(STARTED, now)
        if now - started > settings.STAFF_SESSION_LIFETIME.total_seconds():
            logout(request)
            messages.info(request, _("Your session has ended. Please sign in again."))
            login = resolve_url(settings.LOGIN_URL)
            return redirect(f"{login}?{urlencode({'next': request.path})}")
        # Each request starts the idle time again.
        request.session.set_expiry(int(settings.STAFF_SESSION_IDLE.total_seconds()))
        match = request.resolver_match
        # allauth's own pages, not the admin's pages of allauth's models (whose names
        # start the same way: admin:account_emailaddress_changelist).
        if match and not match.namespace and (match.url_name or "").startswith(SETUP_VIEWS):
            return None
        if has_second_factor(user):
            return None
        messages.warning(
            request,
            _(
                "Programme staff sign in with a second factor. Set up an authenticator app "
                "(or a security key) to continue."
            ),
        )
        return redirect("mfa_activate_totp")


# What pages may ask the browser for: nothing but WebAuthn (security keys) on our own origin.
PERMISSIONS_POLICY = ", ".join(
    [
        *(
            f"{feature}=()"
            for feature in (
                "accelerometer",
                "camera",
                "geolocation",
                "gyroscope",
                "magnetometer",
                "microphone",
                "payment",
                "usb",
            )
        ),
        "publickey-credentials-create=(self)",
        "publickey-credentials-get=(self)",
    ]
)


class HardeningMiddleware:
    """Headers every response carries, and methods no page answers.

    - ``TRACE`` and ``TRACK`` are refused (405): no page of ours echoes a request back.
    - A query string with a NUL character is a bad request (400): no link of ours has
      one, and PostgreSQL refuses it in a text value, so it would end a list's filter
      or a search in an error. (Forms refuse it in their fields themselves.)
    - ``Permissions-Policy`` turns off what the site never uses.
    - A signed-in person's pages and downloads (a plan PDF, an export) are never kept by
      a browser or a proxy: ``Cache-Control: no-store``.
    """

    REFUSED_METHODS = frozenset({"TRACE", "TRACK"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in self.REFUSED_METHODS:
            response: HttpResponse = HttpResponseNotAllowed(["GET", "HEAD", "POST"])
        elif any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            response = HttpResponseBadRequest("A NUL character is not allowed in an address.")
        else:
            response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
