"""The plan's sections: category implementation plans, operating model, action items, timeline.

Members of the organisation write; programme staff read; anyone else gets 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from academy.access import SignedInRequest, require_perm
from academy.models import Membership

from ..access import plan_or_404
from ..forms.sections import ActionItemForm, CategoryPlanForm, OperatingModelForm
from ..models import (
    ActionItem,
    ActionItemState,
    CategoryPlan,
    OperatingModel,
    ProcurementCategory,
    ReductionMeasure,
)
from ..services import collaboration, parts, sections
from .collaboration import refuse_when_submitted


@login_required
def category_plans(request: SignedInRequest, participation: int) -> HttpResponse:
    """Every category implementation plan of the organisation, and a way to start one."""
    found, action_plan = plan_or_404(request, participation)
    member = request.user.has_perm("academy.change_workspace", found)
    rows = (
        CategoryPlan.objects.filter(plan=action_plan)
        .select_related("category", "owner")
        .annotate(
            measure_count=Count(
                "category__measures", filter=Q(category__measures__plan=action_plan)
            )
        )
    )
    planned = [row.category_id for row in rows]
    return render(
        request,
        "plans/category_plans.html",
        {
            "participation": found,
            "plan": action_plan,
            "rows": rows,
            "unplanned": ProcurementCategory.objects.filter(is_active=True).exclude(pk__in=planned),
            "is_member": member,
            **collaboration.editing(action_plan, member),
        },
    )


@login_required
@refuse_when_submitted()
def category_plan(request: SignedInRequest, participation: int, code: str) -> HttpResponse:
    """A category's implementation plan, with the category's measures beside it."""
    found, action_plan = plan_or_404(request, participation)
    member = request.user.has_perm("academy.change_workspace", found)
    chosen = get_object_or_404(ProcurementCategory, code=code)
    existing = (
        CategoryPlan.objects.filter(plan=action_plan, category=chosen)
        .select_related("owner", "updated_by")
        .first()
    )
    form = CategoryPlanForm(
        request.POST or None, instance=existing, organisation_id=found.organisation_id
    )
    if request.method == "POST":
        require_perm(request, "academy.change_workspace", found)
        if request.POST.get("action") == "delete" and existing is not None:
            sections.remove_category_plan(existing, by=request.user)
            messages.success(request, _("The category's implementation plan has been removed."))
            return redirect("plans:category_plans", participation=found.pk)
        if form.is_valid():
            row = form.save(commit=False)
            row.plan, row.category = action_plan, chosen
            sections.save_category_plan(row, by=request.user, changed=form.changed_data)
            messages.success(request, _("The category's implementation plan has been saved."))
            return redirect("plans:category_plan", participation=found.pk, code=chosen.code)
    return render(
        request,
        "plans/category_plan.html",
        {
            "participation": found,
            "plan": action_plan,
            "category": chosen,
            "category_plan": existing,
            # The page lists the measures apart, with more about each.
            "category_plan_part": existing and parts.category_plan_data(existing, None),
            "measures": ReductionMeasure.objects.filter(plan=action_plan, category=chosen),
            "form": form,
            "is_member": member,
            **collaboration.editing(action_plan, member),
            "comments": collaboration.comments_by_section(action_plan),
        },
    )


@login_required
@refuse_when_submitted()
def operating_model(request: SignedInRequest, participation: int) -> HttpResponse:
    """The operating model, section by section, with guidance and the team beside its roles."""
    found, action_plan = plan_or_404(request, participation)
    member = request.user.has_perm("academy.change_workspace", found)
    existing = OperatingModel.objects.filter(plan=action_plan).select_related("updated_by").first()
    form = OperatingModelForm(request.POST or None, instance=existing)
    if request.method == "POST":
        require_perm(request, "academy.change_workspace", found)
        if form.is_valid():
            row = form.save(commit=False)
            row.plan = action_plan
            sections.save_operating_model(row, by=request.user, changed=form.changed_data)
            messages.success(request, _("The operating model has been saved."))
            return redirect("plans:operating_model", participation=found.pk)
    shown = existing or OperatingModel(plan=action_plan)
    return render(
        request,
        "plans/operating_model.html",
        {
            "participation": found,
            "plan": action_plan,
            "model": existing,
            "model_part": parts.operating_model_data(existing),
            "filled": shown.filled_sections(),
            "team": Membership.objects.filter(organisation_id=found.organisation_id)
            .select_related("user")
            .order_by("-is_contact", "user__name", "user__email"),
            "form": form,
            "is_member": member,
            **collaboration.editing(action_plan, member),
            "comments": collaboration.comments_by_section(action_plan),
        },
    )


@login_required
def action_items(request: SignedInRequest, participation: int) -> HttpResponse:
    """The plan's action items: unfinished first, by due date."""
    found, action_plan = plan_or_404(request, participation)
    member = request.user.has_perm("academy.change_workspace", found)
    items = (
        ActionItem.objects.filter(plan=action_plan)
        .select_related("owner", "category")
        .annotate(
            finished=Case(
                When(state=ActionItemState.DONE, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("finished", "due", "pk")
    )
    return render(
        request,
        "plans/action_items.html",
        {
            "participation": found,
            "plan": action_plan,
            "items": parts.action_items_data(items),
            "is_member": member,
            **collaboration.editing(action_plan, member),
            "comments": collaboration.comments_by_section(action_plan),
        },
    )


def _edit_action_item(request, found, action_plan, item: ActionItem | None) -> HttpResponse:
    form = ActionItemForm(
        request.POST or None, instance=item, organisation_id=found.organisation_id
    )
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.plan = action_plan
        sections.keep_action_item(saved, by=request.user, changed=form.changed_data)
        messages.success(request, _("The action item has been saved."))
        return redirect("plans:action_items", participation=found.pk)
    return render(
        request,
        "plans/action_item.html",
        {"participation": found, "plan": action_plan, "item": item, "form": form},
    )


@login_required
@refuse_when_submitted()
def action_item_add(request: SignedInRequest, participation: int) -> HttpResponse:
    found, action_plan = plan_or_404(request, participation, team_only=True)
    return _edit_action_item(request, found, action_plan, None)


@login_required
@refuse_when_submitted()
def action_item(request: SignedInRequest, participation: int, item_id: int) -> HttpResponse:
    found, action_plan = plan_or_404(request, participation, team_only=True)
    item = get_object_or_404(action_plan.action_items.all(), pk=item_id)
    return _edit_action_item(request, found, action_plan, item)


@login_required
@refuse_when_submitted()
def action_item_delete(request: SignedInRequest, participation: int, item_id: int) -> HttpResponse:
    """Removing an item asks first."""
    found, action_plan = plan_or_404(request, participation, team_only=True)
    item = get_object_or_404(action_plan.action_items.all(), pk=item_id)
    if request.method == "POST":
        sections.remove_action_item(item, by=request.user)
        messages.success(request, _("The action item has been removed."))
        return redirect("plans:action_items", participation=found.pk)
    return render(
        request,
        "plans/action_item_delete.html",
        {"participation": found, "plan": action_plan, "item": item},
    )


@login_required
def timeline(request: SignedInRequest, participation: int) -> HttpResponse:
    """The plan's dated parts in one list, earliest first."""
    found, action_plan = plan_or_404(request, participation)
    member = request.user.has_perm("academy.change_workspace", found)
    today = timezone.localdate()
    return render(
        request,
        "plans/timeline.html",
        {
            "participation": found,
            "plan": action_plan,
            "events": sections.timeline(action_plan, today),
            "today": today,
            "is_member": member,
            **collaboration.editing(action_plan, member),
        },
    )
