from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from academy.access import SignedInRequest, get_participation_or_404, require_perm

from . import services
from .forms import AttendanceForm, RecordingRequestForm
from .models import Session, SessionKind, SessionState


def _session_or_404(participation, session_id: int) -> Session:
    sessions = Session.objects.visible().for_participation(participation).select_related("cohort")
    return get_object_or_404(sessions, pk=session_id)


@login_required
def session(request: SignedInRequest, participation: int, session: int) -> HttpResponse:
    """One session: when, where, agenda, materials, and who of the team will attend."""
    found_participation = get_participation_or_404(request, participation)
    found = _session_or_404(found_participation, session)
    attendances = list(
        found.attendances.filter(organisation_id=found_participation.organisation_id)
        .select_related("user")
        .order_by("user__name")
    )
    member = request.user.has_perm("academy.change_workspace", found_participation)
    now = timezone.now()
    form = AttendanceForm(
        request.POST if request.method == "POST" else None, attendances=attendances
    )
    if request.method == "POST":
        require_perm(request, "academy.change_workspace", found_participation)
        if found.is_cancelled or found.has_ended(now):
            messages.error(
                request,
                _("This session is over or cancelled; attendance can no longer be changed."),
            )
        elif form.is_valid():
            coming = {int(value) for value in form.cleaned_data["coming"]}
            services.set_coming(found, found_participation.organisation_id, coming)
            messages.success(request, _("Thank you: attendance has been saved."))
            return redirect(
                "workshops:session", participation=found_participation.pk, session=found.pk
            )
    materials = [
        material
        for material in found.materials.select_related("file").select_related("session")
        if material.is_visible_at(now)
    ]
    hidden_materials = found.materials.count() - len(materials)
    return render(
        request,
        "workshops/session.html",
        {
            "participation": found_participation,
            "session": found,
            "attendances": attendances,
            "form": form,
            "is_member": member,
            "materials": materials,
            "hidden_materials": hidden_materials,
            "ended": found.has_ended(now),
        },
    )


@login_required
def sparring(request: SignedInRequest, participation: int) -> HttpResponse:
    """The sparring times staff offer; the organisation picks as many as the cohort allows."""
    found = get_participation_or_404(request, participation)
    now = timezone.now()
    if request.method == "POST":
        require_perm(request, "academy.change_workspace", found)
        value = request.POST.get("session", "")
        if not value.isdigit():
            messages.error(request, _("Choose a time first."))
        else:
            try:
                picked = services.pick_sparring(int(value), found, now=now)
            except services.SessionError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    _("The sparring time is yours. The invitation is on its way to your team."),
                )
                return redirect("workshops:session", participation=found.pk, session=picked.pk)
    taken = services.sparring_taken(found)
    limit = found.cohort.sparring_per_organisation
    own = (
        Session.objects.visible()
        .filter(
            cohort_id=found.cohort_id,
            organisation_id=found.organisation_id,
            kind=SessionKind.SPARRING,
        )
        .order_by("starts_at")
    )
    return render(
        request,
        "workshops/sparring.html",
        {
            "participation": found,
            "offered": services.offered_times(found, now=now).order_by("starts_at"),
            "own": own,
            "taken": taken,
            "limit": limit,
            "can_pick": taken < limit and request.user.has_perm("academy.change_workspace", found),
        },
    )


def recording(request: HttpRequest, session: int) -> HttpResponse:
    """The public request for the info session's recording: sent now, or once there is one."""
    found = get_object_or_404(
        Session.objects.select_related("cohort"),
        pk=session,
        kind=SessionKind.INFO,
        state=SessionState.PUBLISHED,
    )
    form = RecordingRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["website"]:
            # A robot: answered as if all went well, and nothing is stored or sent.
            return redirect("workshops:recording_requested", session=found.pk)
        request_row, mailed = services.request_recording(
            found, form.cleaned_data["email"], get_language()
        )
        request.session["recording_request"] = request_row.pk
        request.session["recording_mailed"] = mailed
        return redirect("workshops:recording_requested", session=found.pk)
    context = {"session": found, "form": form, "over": found.has_ended(timezone.now())}
    return render(request, "workshops/recording.html", context)


def recording_requested(request: HttpRequest, session: int) -> HttpResponse:
    found = get_object_or_404(Session, pk=session, kind=SessionKind.INFO)
    requested = request.session.get("recording_request")
    row = found.recording_requests.filter(pk=requested).first() if requested else None
    return render(
        request,
        "workshops/recording_requested.html",
        {
            "session": found,
            "request_row": row,
            "available": bool(found.recording_url),
            "mailed": request.session.get("recording_mailed", False),
        },
    )
