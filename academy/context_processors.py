from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject

from .models import Membership


def site(request: HttpRequest) -> dict:
    """The language switcher's links: this page in each of the site's languages."""
    return {
        "language_links": [
            {"code": code, "url": translate_url(request.get_full_path(), code)}
            for code, _name in settings.LANGUAGES
        ],
    }


def teams(request: HttpRequest) -> dict:
    """The teams the signed-in person belongs to, for the menu; read only if the page shows it."""

    def memberships():
        if not request.user.is_authenticated:
            return []
        return list(Membership.objects.filter(user=request.user).select_related("organisation"))

    return {"my_teams": SimpleLazyObject(memberships)}
