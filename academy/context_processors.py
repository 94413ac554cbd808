from django.conf import settings
from django.http import HttpRequest
from django.urls import Resolver404, resolve, translate_url
from django.utils.functional import SimpleLazyObject

from .models import Membership, Participation


def site(request: HttpRequest) -> dict:
    """The language switcher's links: this page in each of the site's languages.

    A page that is not found links to each language's front page instead: its own path
    may be anything, ``//another.example/`` included, which a link would take off-site.
    """
    try:
        resolve(request.path_info)
    except Resolver404:
        path = "/"
    else:
        path = request.get_full_path()
    return {
        "language_links": [
            {"code": code, "url": translate_url(path, code)} for code, _name in settings.LANGUAGES
        ],
    }


def teams(request: HttpRequest) -> dict:
    """The teams the signed-in person belongs to, for the menu; read only if the page shows it."""

    def memberships():
        if not request.user.is_authenticated:
            return []
        memberships = Membership.objects.filter(user=request.user).select_related("organisation")
        latest = {}
        for participation in Participation.objects.of_user(request.user).order_by("created_at"):
            latest[participation.organisation_id] = participation
        for membership in memberships:
            membership.workspace = latest.get(membership.organisation_id)
        return list(memberships)

    return {"my_teams": SimpleLazyObject(memberships)}
