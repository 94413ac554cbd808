"""The lookups of a participant page: the object, or a 404 for those the rules refuse.

What is allowed is said in ``academy.rules`` (and each app's ``rules.py``); this
module only turns a refusal into "not found".
"""

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from .models import Participation, User
from .rules import is_programme_staff

__all__ = ["SignedInRequest", "get_participation_or_404", "is_programme_staff", "require_perm"]


class SignedInRequest(HttpRequest):
    """The request of a view behind ``login_required``: its user is a ``User``."""

    user: User


def require_perm(request: HttpRequest, permission: str, obj) -> None:
    """A 404 unless the signed-in person has ``permission`` on ``obj``."""
    if not request.user.has_perm(permission, obj):
        raise Http404("Not found.")


def get_participation_or_404(request: HttpRequest, participation_id: int) -> Participation:
    """The participation, for those who may view its workspace: its team and programme staff."""
    participation = get_object_or_404(
        Participation.objects.select_related("cohort", "organisation"), pk=participation_id
    )
    require_perm(request, "academy.view_workspace", participation)
    return participation
