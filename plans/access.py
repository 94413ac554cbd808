"""Finding the plan a participant page is about, for those who may see it."""

from django.http import Http404, HttpRequest

from academy.access import get_participation_or_404
from academy.models import Participation

from .models import ActionPlan
from .services import plan as plan_service


def plan_or_404(request: HttpRequest, participation_id: int) -> tuple[Participation, ActionPlan]:
    """The participation (members and programme staff) and its plan; 404 if not started."""
    found = get_participation_or_404(request, participation_id)
    action_plan = plan_service.plan_for(found, create=False)
    if action_plan is None:
        raise Http404("The action plan has not been started.")
    action_plan.participation = found  # its cohort and organisation are fetched already
    return found, action_plan
