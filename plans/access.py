"""Finding the plan a participant page is about, for those who may see it."""

from django.contrib import messages
from django.http import Http404, HttpRequest

from academy.access import get_participation_or_404, require_perm
from academy.models import Participation

from .models import ActionPlan
from .services import plan as plan_service


def plan_or_404(
    request: HttpRequest, participation_id: int, *, team_only: bool = False
) -> tuple[Participation, ActionPlan]:
    """The participation (members and programme staff) and its plan; 404 if not started.

    ``team_only`` is for the pages only the team uses: programme staff find them not found.
    """
    found = get_participation_or_404(request, participation_id)
    if team_only:
        require_perm(request, "academy.change_workspace", found)
    action_plan = plan_service.plan_for(found, create=False)
    if action_plan is None:
        raise Http404("The action plan has not been started.")
    action_plan.participation = found  # its cohort and organisation are fetched already
    return found, action_plan


def plan_started_on_visit(
    request: HttpRequest, participation_id: int, *, staff_need_started: bool = False
) -> tuple[Participation, ActionPlan | None, bool]:
    """The participation, its plan and whether the user is on its team.

    A member's first visit starts the plan. The plan is None when it cannot be started
    (the reason is shown as a message) or when programme staff look at one that has not
    been started yet, unless ``staff_need_started`` makes that a 404 (as on the ledger's
    pages, which have nothing to show of a plan not started).
    """
    found = get_participation_or_404(request, participation_id)
    member = request.user.has_perm("academy.change_workspace", found)
    try:
        action_plan = plan_service.plan_for(found, create=member)
    except plan_service.PlanError as error:
        messages.error(request, error.message)
        action_plan = None
    if action_plan is None and staff_need_started and not member:
        raise Http404("The action plan has not been started.")
    return found, action_plan, member
