"""Who may see what: an organisation's workspace is its team's, and staff's.

Another organisation's pages and files are not found (404), never forbidden:
a 403 would confirm that they exist.
"""

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from .models import Membership, Participation


def is_programme_staff(user) -> bool:
    """Staff who follow the participants' work: staff status alone (an interviewer) is not it."""
    return (
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("academy.view_participation")
    )


def get_participation_or_404(request: HttpRequest, participation_id: int) -> Participation:
    """The participation, for a member of its organisation or for programme staff."""
    participations = Participation.objects.select_related("cohort", "organisation")
    if is_programme_staff(request.user):
        return get_object_or_404(participations, pk=participation_id)
    return get_object_or_404(participations.of_user(request.user), pk=participation_id)


def is_member(user, organisation_id: int) -> bool:
    return Membership.objects.filter(user=user, organisation_id=organisation_id).exists()


def require_member(request: HttpRequest, participation: Participation) -> None:
    """Changes are the team's own: staff look, the team acts."""
    if not is_member(request.user, participation.organisation_id):
        raise Http404("Only the organisation's team can change this.")
