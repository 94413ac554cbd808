from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from academy.access import get_participation_or_404, is_member, require_member

from . import services
from .analysis import analyse
from .chart import pareto
from .forms import SpendForm
from .models import CategorySpend, ProcurementCategory, SpendSource


@login_required
def plan(request: HttpRequest, participation: int) -> HttpResponse:
    """The action plan's analysis: where the organisation's procurement emissions are."""
    found = get_participation_or_404(request, participation)
    member = is_member(request.user, found.organisation_id)
    try:
        action_plan = services.plan_for(found, create=member)
    except services.PlanError as error:
        messages.error(request, error.message)
        action_plan = None
    analysis = analyse(action_plan) if action_plan is not None else None
    return render(
        request,
        "plans/plan.html",
        {
            "participation": found,
            "plan": action_plan,
            "analysis": analysis,
            "chart": pareto(analysis) if analysis is not None else None,
            "is_member": member,
        },
    )


@login_required
def spend(request: HttpRequest, participation: int) -> HttpResponse:
    """Spend by category, entered by hand, with any own factor and its justification."""
    found = get_participation_or_404(request, participation)
    require_member(request, found)
    try:
        action_plan = services.plan_for(found)
    except services.PlanError as error:
        messages.error(request, error.message)
        return redirect("plans:plan", participation=found.pk)
    year = action_plan.spend_year
    categories = ProcurementCategory.objects.filter(is_active=True)
    existing = {
        row.category_id: row
        for row in CategorySpend.objects.filter(
            plan=action_plan, year=year, source=SpendSource.MANUAL
        )
    }
    form = SpendForm(
        request.POST or None,
        categories=categories,
        existing=existing,
        initial={"year": year},
    )
    if request.method == "POST" and form.is_valid():
        new_year = form.cleaned_data["year"]
        if new_year != action_plan.spend_year:
            action_plan.spend_year = new_year
            action_plan.save(update_fields=["spend_year"])
        services.save_manual_spend(action_plan, new_year, form.entries)
        messages.success(request, _("The spend has been saved and the analysis updated."))
        return redirect("plans:plan", participation=found.pk)
    return render(
        request,
        "plans/spend.html",
        {"participation": found, "plan": action_plan, "form": form},
    )
