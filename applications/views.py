from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from academy.access import SignedInRequest
from academy.models import HELSINKI, Cohort, Organisation

from . import answers, decisions, interviews, services
from .checklist import missing
from .forms import ApplicationForm, EligibilityForm, WithdrawForm, team_formset
from .models import DECISION_STATES, Application, ApplicationState, InterviewSlot


def get_own_application_or_404(request: HttpRequest, public_id) -> Application:
    """The applicant's own application; anyone else's is not found."""
    applications = Application.objects.of(request.user).select_related("cohort")
    return get_object_or_404(applications, public_id=public_id)


@login_required
def start(request: SignedInRequest) -> HttpResponse:
    """Apply to the current cohort: the eligibility question first, then a draft."""
    cohort = Cohort.objects.current()
    if cohort is None:
        raise Http404("No cohort has been announced yet.")
    existing = Application.objects.active().filter(cohort=cohort, applicant=request.user).first()
    if existing is not None:
        return redirect("applications:detail", public_id=existing.public_id)
    now = timezone.now()
    if not cohort.is_application_open(now):
        context = {"cohort": cohort, "upcoming": now < cohort.application_opens}
        return render(request, "applications/closed.html", context)
    form = EligibilityForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and form.is_eligible:
        kind = form.cleaned_data["kind"]
        try:
            application = services.start_application(cohort, request.user, kind, now=now)
        except services.ApplicationError as error:
            form.add_error(None, error.message)
        else:
            return redirect("applications:edit", public_id=application.public_id)
    not_eligible = form.is_bound and form.is_valid() and not form.is_eligible
    context = {"cohort": cohort, "form": form, "not_eligible": not_eligible}
    return render(request, "applications/start.html", context)


@login_required
def index(request: SignedInRequest) -> HttpResponse:
    applications = Application.objects.of(request.user).select_related("cohort")
    return render(request, "applications/index.html", {"applications": applications})


@login_required
def detail(request: SignedInRequest, public_id) -> HttpResponse:
    application = get_own_application_or_404(request, public_id)
    team = list(application.team.all())
    data = answers.snapshot(application, team)
    now = timezone.now()
    is_draft = application.state == ApplicationState.DRAFT
    items = missing(application, team) if is_draft else []
    context = {
        "application": application,
        "sections": answers.sections(data),
        "team": answers.team_display(data),
        "missing": items,
        "is_open": application.is_open_at(now),
        "can_edit": application.is_editable_at(now),
        "can_submit": is_draft and application.is_open_at(now) and not items,
        "can_reopen": application.state == ApplicationState.WITHDRAWN
        and application.is_open_at(now)
        and not services.has_other_active(application),
        "history": application.state_changes.exclude(
            to_state__in=[] if application.decision_known else DECISION_STATES
        ),
        "interview": application.interviews.active().select_related("slot").first(),
        "organisation": Organisation.objects.filter(
            business_id=application.business_id, memberships__user=request.user
        ).first()
        if application.state == ApplicationState.CONFIRMED
        else None,
        "states": ApplicationState,
    }
    return render(request, "applications/detail.html", context)


@login_required
def edit(request: SignedInRequest, public_id) -> HttpResponse:
    application = get_own_application_or_404(request, public_id)
    now = timezone.now()
    if not application.is_editable_at(now):
        messages.info(request, _("This application can no longer be changed."))
        return redirect("applications:detail", public_id=application.public_id)
    data = request.POST if request.method == "POST" else None
    form = ApplicationForm(data, instance=application)
    formset = team_formset(application, data)
    seen = data.get("seen") if data is not None else services.version_token(application)
    if data is not None:
        try:
            outcome = _save(request, application, form, formset, now, seen)
        except services.EditConflict as error:
            messages.error(request, error.message)
            outcome = CONFLICT
        if outcome == SAVED:
            target = "applications:detail" if "review" in data else "applications:edit"
            return redirect(target, public_id=application.public_id)
        if outcome in (PARTLY_SAVED, CONFLICT):
            # The page now stands on the stored version: saving again is no conflict.
            seen = services.version_token(Application.objects.get(pk=application.pk))
    team = services.team_of(formset) if formset.is_bound else list(application.team.all())
    context = {
        "seen": seen,
        "application": application,
        "form": form,
        "formset": formset,
        "missing": missing(form.instance, team),
        "is_submitted": application.state == ApplicationState.SUBMITTED,
    }
    return render(request, "applications/edit.html", context)


SAVED, PARTLY_SAVED, NOT_SAVED, CONFLICT = "saved", "partly", "not saved", "conflict"


def _save(request: HttpRequest, application: Application, form, formset, now, seen) -> str:
    """Save valid answers, or put every problem next to its field.

    A draft keeps its valid answers even while others are being corrected.
    Raises EditConflict when the application was saved elsewhere after this page was loaded.
    """
    if not (form.is_valid() and formset.is_valid()):
        if application.state == ApplicationState.DRAFT:
            services.save_valid_draft_answers(
                application, form, formset, by=request.user, now=now, seen=seen
            )
            messages.warning(
                request,
                _(
                    "The draft has been saved without the marked answers: correct them and "
                    "save again. What you typed in them is still on the page."
                ),
            )
            return PARTLY_SAVED
        messages.error(request, _("Not saved yet: please correct the marked answers."))
        return NOT_SAVED
    try:
        services.save_answers(application, form, formset, by=request.user, now=now, seen=seen)
    except services.Incomplete as error:
        form.add_missing(error.items)
        messages.error(
            request,
            _("Not saved: a submitted application must stay complete. Fill in the marked answers."),
        )
        return NOT_SAVED
    except services.DuplicateOrganisation as error:
        form.add_error("business_id", error.message)
        messages.error(request, _("Not saved yet: please correct the marked answers."))
        return NOT_SAVED
    except services.EditConflict:
        raise
    except services.ApplicationError as error:
        messages.error(request, error.message)
        return NOT_SAVED
    if application.state == ApplicationState.SUBMITTED:
        messages.success(request, _("Your changes have been saved to the submitted application."))
    else:
        messages.success(request, _("Your draft has been saved."))
    return SAVED


@login_required
@require_POST
def submit(request: SignedInRequest, public_id) -> HttpResponse:
    application = get_own_application_or_404(request, public_id)
    try:
        services.submit_application(application, by=request.user, now=timezone.now())
    except services.AlreadySubmitted as error:
        messages.info(request, error.message)
    except services.Incomplete:
        messages.error(request, _("Not submitted: the application is still missing answers."))
    except services.ApplicationError as error:
        messages.error(request, _("Not submitted: %(reason)s") % {"reason": error.message})
    else:
        messages.success(
            request,
            _("Your application has been submitted. A confirmation has been sent to %(email)s.")
            % {"email": request.user.email},
        )
    return redirect("applications:detail", public_id=application.public_id)


@login_required
def withdraw(request: SignedInRequest, public_id) -> HttpResponse:
    application = get_own_application_or_404(request, public_id)
    if not application.is_editable_at(timezone.now()):
        messages.info(request, _("This application can no longer be withdrawn here."))
        return redirect("applications:detail", public_id=application.public_id)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_application(
                application, by=request.user, now=timezone.now(), reason=form.cleaned_data["reason"]
            )
        except services.ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The application has been withdrawn."))
        return redirect("applications:detail", public_id=application.public_id)
    return render(request, "applications/withdraw.html", {"application": application, "form": form})


@login_required
@require_POST
def reopen(request: SignedInRequest, public_id) -> HttpResponse:
    application = get_own_application_or_404(request, public_id)
    try:
        services.reopen_application(application, by=request.user, now=timezone.now())
    except services.ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The application is a draft again. Submit it when it is ready.")
        )
    return redirect("applications:detail", public_id=application.public_id)


@login_required
def interview(request: SignedInRequest, public_id) -> HttpResponse:
    """Book an interview time, or move the one booked."""
    application = get_own_application_or_404(request, public_id)
    now = timezone.now()
    current = application.interviews.active().select_related("slot").first()
    if request.method == "POST":
        # Any slot of the cohort: one taken a moment ago gets the service's clear answer.
        slot_id = request.POST.get("slot", "")
        slot = (
            InterviewSlot.objects.filter(cohort_id=application.cohort_id, pk=slot_id).first()
            if slot_id.isdigit()
            else None
        )
        if not _as_shown(request, current):
            messages.error(request, interviews.interview_changed_message())
        elif slot is None:
            messages.error(request, _("Choose one of the free times."))
        elif _book_or_move(request, application, current, slot, now):
            return redirect("applications:interview", public_id=application.public_id)
        current = application.interviews.active().select_related("slot").first()
    slots = interviews.bookable_slots(application, now)
    context = {
        "application": application,
        "current": current,
        "can_change": current is not None and interviews.can_change(current, now),
        "days": _by_day(slots),
        "can_book": application.state == ApplicationState.SUBMITTED,
    }
    return render(request, "applications/interview.html", context)


def _as_shown(request: HttpRequest, current) -> bool:
    """Whether the interview is as the page showed it (its ``sequence``, or none): a page
    open in another window since does not move or cancel what it did not show."""
    shown = request.POST.get("sequence")
    if shown is None:
        return True  # a form from before the field; the locks still keep it consistent
    return shown == ("" if current is None else str(current.sequence))


def _book_or_move(request: HttpRequest, application, current, slot, now) -> bool:
    try:
        if current is None:
            interviews.book_interview(slot, application, by=request.user, now=now)
        else:
            interviews.reschedule_interview(current, slot, by=request.user, now=now)
    except services.ApplicationError as error:
        messages.error(request, error.message)
        return False
    if current is None:
        done = _(
            "Your interview is booked for %(time)s. A calendar invitation is on its way by e-mail."
        )
    else:
        done = _(
            "Your interview has been moved to %(time)s. A calendar update is on its way by e-mail."
        )
    messages.success(request, done % {"time": str(slot)})
    return True


def _by_day(slots) -> list[tuple]:
    days: dict = {}
    for slot in slots:
        days.setdefault(slot.starts_at.astimezone(HELSINKI).date(), []).append(slot)
    return list(days.items())


@login_required
def interview_cancel(request: SignedInRequest, public_id) -> HttpResponse:
    application = get_own_application_or_404(request, public_id)
    current = application.interviews.active().select_related("slot").first()
    if current is None:
        return redirect("applications:interview", public_id=application.public_id)
    if request.method == "POST":
        if not _as_shown(request, current):
            messages.error(request, interviews.interview_changed_message())
            return redirect("applications:interview", public_id=application.public_id)
        try:
            interviews.cancel_interview(current, by=request.user, now=timezone.now())
        except services.ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Your interview has been cancelled. Book a new time below.")
            )
        return redirect("applications:interview", public_id=application.public_id)
    context = {"application": application, "current": current}
    return render(request, "applications/interview_cancel.html", context)


@login_required
def confirm(request: SignedInRequest, public_id) -> HttpResponse:
    """The selected organisation confirms its place, or declines it."""
    application = get_own_application_or_404(request, public_id)
    now = timezone.now()
    if request.method == "POST":
        try:
            if request.POST.get("answer") == "confirm":
                decisions.confirm_participation(application, by=request.user, now=now)
                messages.success(
                    request, _("Welcome to the programme! Your participation is confirmed.")
                )
            elif request.POST.get("answer") == "decline":
                decisions.decline_participation(
                    application,
                    by=request.user,
                    now=now,
                    reason=request.POST.get("reason", "")[:200],
                )
                messages.info(
                    request, _("You have declined the place. Thank you for letting us know.")
                )
        except services.ApplicationError as error:
            messages.error(request, error.message)
        return redirect("applications:confirm", public_id=application.public_id)
    context = {
        "application": application,
        "states": ApplicationState,
        "open": application.confirm_by is None or now <= application.confirm_by,
    }
    return render(request, "applications/confirm.html", context)
