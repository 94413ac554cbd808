from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from academy.access import SignedInRequest, get_participation_or_404, require_perm

from ..access import plan_or_404, plan_started_on_visit
from ..forms.plan import MeasureForm, MilestoneFormSet, PilotForm, SpendForm
from ..models import (
    CategorySpend,
    PilotProcurement,
    ProcurementCategory,
    SuggestedMeasure,
)
from ..services import collaboration, parts, sections
from ..services import plan as plan_service
from ..services.analysis import analyse
from ..services.potential import category_totals, plan_potentials, potentials
from .collaboration import refuse_when_submitted


@login_required
def plan(request: SignedInRequest, participation: int) -> HttpResponse:
    """The action plan's analysis: where the organisation's procurement emissions are."""
    found, action_plan, member = plan_started_on_visit(request, participation)
    context: dict[str, object] = {
        "participation": found,
        "plan": action_plan,
        "analysis": None,
        "is_member": member,
        "comments": collaboration.comments_by_section(action_plan),
    }
    if action_plan is not None:
        analysis = analyse(action_plan)
        context["analysis"] = analysis
        context["analysis_part"] = parts.analysis_data(analysis)
        context["measures_part"] = parts.measures_data(
            plan_potentials(action_plan, analysis), analysis
        )
    return render(request, "plans/plan.html", context)


@login_required
@refuse_when_submitted(whole_page=True)
def spend(request: SignedInRequest, participation: int) -> HttpResponse:
    """Spend by category, entered by hand, with any own factor and its justification."""
    found = get_participation_or_404(request, participation)
    require_perm(request, "academy.change_workspace", found)
    try:
        action_plan = plan_service.plan_for(found)
    except plan_service.PlanError as error:
        messages.error(request, error.message)
        return redirect("plans:plan", participation=found.pk)
    year = action_plan.spend_year
    categories = ProcurementCategory.objects.filter(is_active=True)
    existing = {
        row.category_id: row for row in CategorySpend.objects.filter(plan=action_plan, year=year)
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
            # The amounts on the form are the other year's: they are not saved as this
            # year's. The form comes back with the chosen year's own figures.
            plan_service.change_spend_year(action_plan, new_year, by=request.user)
            messages.info(
                request,
                _(
                    "The analysis now shows %(year)s. Here are the figures of %(year)s: check "
                    "them and save. Nothing else was changed."
                )
                % {"year": new_year},
            )
            return redirect("plans:spend", participation=found.pk)
        plan_service.save_manual_spend(action_plan, new_year, form.entries, by=request.user)
        messages.success(request, _("The spend has been saved and the analysis updated."))
        return redirect("plans:plan", participation=found.pk)
    return render(
        request,
        "plans/spend.html",
        {"participation": found, "plan": action_plan, "form": form},
    )


@login_required
@refuse_when_submitted()
def category(request: SignedInRequest, participation: int, code: str) -> HttpResponse:
    """One category: its emissions, the measures chosen for it and their potential."""
    found, action_plan = plan_or_404(request, participation)
    chosen = get_object_or_404(ProcurementCategory, code=code)
    member = request.user.has_perm("academy.change_workspace", found)
    suggestions = SuggestedMeasure.objects.filter(
        Q(category=chosen) | Q(category__isnull=True)
    ).order_by("category", "title_fi")
    suggestion = None
    if request.GET.get("suggestion", "").isdigit():
        suggestion = suggestions.filter(pk=request.GET["suggestion"]).first()
    initial = (
        {
            "kind": suggestion.kind,
            "title": suggestion.title,
            "description": suggestion.description,
            "reduction_low": suggestion.reduction_low,
            "reduction_high": suggestion.reduction_high,
        }
        if suggestion
        else {}
    )
    form = MeasureForm(request.POST or None, initial=initial)
    if request.method == "POST":
        require_perm(request, "academy.change_workspace", found)
        if form.is_valid():
            measure = form.save(commit=False)
            measure.plan, measure.category = action_plan, chosen
            if request.POST.get("suggestion", "").isdigit():
                measure.suggestion = suggestions.filter(pk=request.POST["suggestion"]).first()
            sections.add_measure(measure, by=request.user)
            messages.success(request, _("The measure has been added."))
            return redirect("plans:category", participation=found.pk, code=chosen.code)
    analysis = analyse(action_plan)
    row = next((r for r in analysis.rows if r.category.pk == chosen.pk), None)
    items = [
        p
        for p in potentials(analysis, action_plan.measures.select_related("category"))
        if p.measure.category_id == chosen.pk
    ]
    return render(
        request,
        "plans/category.html",
        {
            "participation": found,
            "plan": action_plan,
            "category": chosen,
            "row": row,
            "potentials": items,
            "total": category_totals(items).get(chosen.pk),
            "suggestions": suggestions,
            "suggestion": suggestion,
            "form": form,
            "is_member": member,
            "comments": collaboration.comments_by_section(action_plan),
        },
    )


@login_required
@refuse_when_submitted(whole_page=True)
def measure(request: SignedInRequest, participation: int, measure_id: int) -> HttpResponse:
    """Change or remove a measure."""
    found, action_plan = plan_or_404(request, participation)
    require_perm(request, "academy.change_workspace", found)
    item = get_object_or_404(action_plan.measures.select_related("category"), pk=measure_id)
    back = redirect("plans:category", participation=found.pk, code=item.category.code)
    if request.method == "POST" and request.POST.get("action") == "delete":
        sections.remove_measure(item, by=request.user)
        messages.success(request, _("The measure has been removed."))
        return back
    form = MeasureForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        sections.change_measure(form.save(commit=False), by=request.user, changed=form.changed_data)
        messages.success(request, _("The measure has been saved."))
        return back
    return render(
        request,
        "plans/measure.html",
        {"participation": found, "plan": action_plan, "measure": item, "form": form},
    )


@login_required
@refuse_when_submitted()
def pilot(request: SignedInRequest, participation: int) -> HttpResponse:
    """The pilot procurement: what, when, with which criteria, and its milestones."""
    found, action_plan = plan_or_404(request, participation)
    member = request.user.has_perm("academy.change_workspace", found)
    existing = PilotProcurement.objects.filter(plan=action_plan).first()
    form = PilotForm(request.POST or None, instance=existing, prefix="pilot")
    milestones = MilestoneFormSet(
        request.POST or None, instance=existing or PilotProcurement(), prefix="milestones"
    )
    if request.method == "POST":
        require_perm(request, "academy.change_workspace", found)
        if form.is_valid() and milestones.is_valid():
            sections.save_pilot(form, milestones, action_plan, by=request.user)
            messages.success(request, _("The pilot procurement has been saved."))
            return redirect("plans:pilot", participation=found.pk)
    return render(
        request,
        "plans/pilot.html",
        {
            "participation": found,
            "plan": action_plan,
            "pilot": existing,
            "pilot_part": parts.pilot_data(existing),
            "form": form,
            "milestones": milestones,
            "is_member": member,
            "comments": collaboration.comments_by_section(action_plan),
        },
    )
