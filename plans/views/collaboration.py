"""The pages for working together on the plan: comments, its history and submitting it."""

from dataclasses import dataclass
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from academy.access import SignedInRequest, get_participation_or_404, require_perm

from ..access import plan_or_404
from ..models import ActionPlan, PlanChange
from ..services import collaboration

HISTORY_PAGE_SIZE = 25


def refuse_when_submitted(*, whole_page: bool = False):
    """For a view that changes the plan: once it is submitted, the team is told why not.

    Changes (POST) are refused with the reason on the same page; with
    ``whole_page`` the page is itself a form, so it is refused on every request
    and the reason is shown on the plan's page. Put it under ``login_required``.

    A change runs in a transaction that first locks the plan's row, as
    submitting does: a change and a submission never overlap, and a change that
    waited for a submission sees it and is refused.
    """

    def decorate(view):
        @wraps(view)
        def wrapped(request: HttpRequest, participation: int, *args, **kwargs) -> HttpResponse:
            if not (whole_page or request.method == "POST"):
                return view(request, participation, *args, **kwargs)
            found = get_participation_or_404(request, participation)
            with transaction.atomic():
                ActionPlan.objects.select_for_update().filter(participation=found).first()
                submission = collaboration.open_submission_of(found)
                if submission is None:
                    return view(request, participation, *args, **kwargs)
            messages.error(request, collaboration.submitted_message(submission))
            if whole_page:
                return redirect("plans:plan", participation=found.pk)
            return redirect(request.path)

        return wrapped

    return decorate


class CommentForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Comment"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Markdown: **bold**, *italics*, lists with a dash, links."),
    )


@login_required
@require_POST
def comments(request: SignedInRequest, participation: int) -> HttpResponse:
    """Write a comment on a section, or mark one resolved; then back to the page it was on."""
    found, action_plan = plan_or_404(request, participation)
    role = collaboration.writes_as(request.user, found)
    if role is None:
        raise Http404("Only the team and programme staff comment on the plan.")
    section = request.POST.get("section", "")
    if not collaboration.is_known_section(section):
        raise Http404("No such section.")
    back = collaboration.local_next(found, request.POST.get("next", "")) or (
        collaboration.section_path(found.pk, section)
    )
    back_to_thread = f"{back}#{collaboration.comments_anchor(section)}"
    if request.POST.get("action") == "resolve":
        comment_id = request.POST.get("comment", "")
        if not comment_id.isdigit():
            raise Http404("No such comment.")
        comment = get_object_or_404(action_plan.comments, pk=comment_id, section=section)
        if collaboration.resolve_comment(comment, request.user):
            messages.success(request, _("The comment has been marked resolved."))
        return redirect(back_to_thread)
    form = CommentForm(request.POST)
    if form.is_valid():
        collaboration.add_comment(
            action_plan, section, request.user, form.cleaned_data["body"], by_staff=role == "staff"
        )
        messages.success(
            request,
            _("Your comment has been saved and the team told by e-mail.")
            if role == "staff"
            else _("Your comment has been saved and programme staff told by e-mail."),
        )
        return redirect(back_to_thread)
    return render(
        request,
        "plans/comment_form.html",
        {
            "participation": found,
            "plan": action_plan,
            "section": section,
            "section_label": collaboration.section_labels([section])[section],
            "thread": collaboration.comments_by_section(action_plan).get(section, []),
            "form": form,
            "next": back,
            "back": back_to_thread,
        },
    )


@login_required
def history(request: SignedInRequest, participation: int) -> HttpResponse:
    """Who changed what in the plan and when, newest first."""
    found, action_plan = plan_or_404(request, participation)
    sections = collaboration.history_sections(action_plan)
    chosen = request.GET.get("section", "")
    if chosen not in sections:
        chosen = ""
    page = Paginator(
        collaboration.history(action_plan, chosen or None), HISTORY_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    labels = collaboration.section_labels(change.section for change in page)
    rows = [
        HistoryRow(
            change,
            str(labels[change.section]),
            [str(collaboration.field_label(name)) for name in change.fields],
        )
        for change in page
    ]
    return render(
        request,
        "plans/history.html",
        {
            "participation": found,
            "plan": action_plan,
            "sections": sections,
            "chosen": chosen,
            "chosen_label": sections.get(chosen, ""),
            "page": page,
            "rows": rows,
        },
    )


@dataclass(frozen=True)
class HistoryRow:
    """One change as the history lists it: with its section's and fields' names."""

    change: PlanChange
    section_label: str
    field_labels: list[str]


@login_required
def submit(request: SignedInRequest, participation: int) -> HttpResponse:
    """What submitting means, and the button; with the versions submitted before."""
    found, action_plan = plan_or_404(request, participation)
    if request.method == "POST":
        require_perm(request, "academy.change_workspace", found)
        try:
            submission = collaboration.submit_plan(action_plan, request.user)
        except collaboration.PlanSubmitted as error:
            messages.error(request, error.message)
            return redirect("plans:submit", participation=found.pk)
        messages.success(request, _("The plan has been submitted. This is the frozen version."))
        return redirect("plans:submission", participation=found.pk, submission_id=submission.pk)
    return render(
        request,
        "plans/submit.html",
        {
            "participation": found,
            "plan": action_plan,
            "current": collaboration.open_submission(action_plan),
            "submissions": action_plan.submissions.select_related("submitted_by", "reopened_by"),
            "is_member": request.user.has_perm("academy.change_workspace", found),
        },
    )


@login_required
def submission(request: SignedInRequest, participation: int, submission_id: int) -> HttpResponse:
    """A frozen version of the plan, exactly as it was submitted."""
    found, action_plan = plan_or_404(request, participation)
    frozen = get_object_or_404(
        action_plan.submissions.select_related("submitted_by", "reopened_by", "pdf"),
        pk=submission_id,
    )
    return render(
        request,
        "plans/submission.html",
        {"participation": found, "plan": action_plan, "submission": frozen},
    )
