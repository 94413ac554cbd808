"""The pages that bring the programme together: the public cohort page, a team's workspace
and team page, the profile, file downloads and each person's calendar address."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from academy import audit, personal_data
from academy.access import SignedInRequest, get_participation_or_404, require_perm
from academy.models import (
    Cohort,
    CohortPhase,
    ErasureRequest,
    Membership,
    Participation,
    StoredFile,
    TeamRole,
)
from applications.decisions import participants
from assignments.overview import pre_assignment_status
from programme.calendar import feed_calendar
from programme.forms import ErasureRequestForm, InvitationForm, ProfileForm
from workshops.models import CalendarFeed, Session, SessionKind, SessionState, new_feed_token
from workshops.services import offered_times, sparring_taken
from workshops.timeline import timeline

from . import team


def programme(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """The public programme page of one cohort: the current one unless a slug names another."""
    cohort = get_object_or_404(Cohort, slug=slug) if slug else Cohort.objects.current()
    if cohort is None:
        raise Http404("No cohort has been announced yet.")
    now = timezone.now()
    phase = cohort.phase_at(now)
    info_session = Session.objects.filter(
        cohort=cohort, kind=SessionKind.INFO, state=SessionState.PUBLISHED
    ).first()
    description, description_language = cohort.description_in(get_language())
    return render(
        request,
        "programme/programme.html",
        {
            "cohort": cohort,
            "phase": phase,
            "phases": CohortPhase,
            "description": description,
            "description_language": description_language,
            "team_roles": TeamRole.choices,
            "participants": participants(cohort) if cohort.participants_public else None,
            "info_session": info_session,
            "info_session_over": info_session is not None and info_session.has_ended(now),
        },
    )


# Updated whenever the accessibility statement is reviewed, as the law requires.
ACCESSIBILITY_STATEMENT_DATE = dt.date(2026, 11, 27)


def contact_email() -> str:
    cohort = Cohort.objects.current()
    return cohort.contact_email if cohort else settings.CONTACT_EMAIL


def accessibility(request: HttpRequest) -> HttpResponse:
    context = {"contact_email": contact_email(), "statement_date": ACCESSIBILITY_STATEMENT_DATE}
    return render(request, "programme/accessibility.html", context)


def privacy(request: HttpRequest) -> HttpResponse:
    """The privacy notice, with the periods the retention sweep keeps data for: the
    current cohort's, or the defaults before there is one."""
    cohort = Cohort.objects.current() or Cohort()
    return render(
        request,
        "programme/privacy.html",
        {
            "contact_email": contact_email(),
            "processors": settings.DATA_PROCESSORS,
            "unselected_months": cohort.keep_unselected_months,
            "mail_days": cohort.keep_mail_texts_days,
            "code_mail_days": settings.MAIL_TEXTS_KEEP_DAYS,
            "ledger_days": settings.LEDGER_FILES_KEEP_DAYS,
            "audit_days": settings.AUDIT_LOG_KEEP_DAYS,
            "account_years": settings.ACCOUNT_INACTIVE_DAYS // 365,
            "warning_days": settings.ACCOUNT_WARNING_DAYS,
        },
    )


@login_required
def profile(request: SignedInRequest) -> HttpResponse:
    """The signed-in person's own details: name and the language of their e-mails."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your details have been saved."))
        return redirect("programme:profile")
    return render(request, "programme/profile.html", {"form": form})


@login_required
def my_data(request: SignedInRequest) -> HttpResponse:
    """What is held about the person: a copy to download, and a request to erase it."""
    open_request = ErasureRequest.objects.filter(
        user=request.user, carried_out_at__isnull=True
    ).first()
    form = ErasureRequestForm(request.POST or None)
    if request.method == "POST" and open_request is None and form.is_valid():
        ErasureRequest.objects.get_or_create(
            user=request.user,
            carried_out_at=None,
            defaults={"email": request.user.email, "reason": form.cleaned_data["reason"]},
        )
        messages.success(
            request,
            _(
                "Your request has been sent. Programme staff carry it out within a month and "
                "tell you by e-mail what was erased and what must be kept, and why."
            ),
        )
        return redirect("programme:my_data")
    return render(
        request,
        "programme/my_data.html",
        {"form": form, "open_request": open_request, "sections": personal_data.SECTIONS},
    )


@login_required
def my_data_download(request: SignedInRequest) -> FileResponse:
    """Everything held about the person as data.json, with their own files, in one zip."""
    bundle = personal_data.archive(request.user)
    name = f"my-data-{timezone.localdate().isoformat()}.zip"
    response = FileResponse(bundle, as_attachment=True, filename=name)
    response["Content-Type"] = "application/zip"
    response["X-Content-Type-Options"] = "nosniff"
    if not request.user.is_staff:  # staff's requests are all recorded by the middleware
        audit.record(request, response)
    return response


def get_own_membership_or_404(request: HttpRequest, organisation_id: int) -> Membership:
    """The person's place on an organisation's team; another organisation's team is not found."""
    memberships = Membership.objects.select_related("organisation")
    return get_object_or_404(memberships, user=request.user, organisation_id=organisation_id)


@login_required
def team_page(request: SignedInRequest, organisation_id: int) -> HttpResponse:
    """The team: every member sees it; the contact person invites, revokes, resends and removes."""
    membership = get_own_membership_or_404(request, organisation_id)
    organisation = membership.organisation
    form = InvitationForm(request.POST if request.POST.get("action") == "invite" else None)
    if request.method == "POST":
        if not membership.is_contact:
            raise PermissionDenied
        if _team_action(request, organisation, form):
            return redirect("programme:team", organisation_id=organisation.pk)
    now = timezone.now()
    context = {
        "organisation": organisation,
        "membership": membership,
        "members": organisation.memberships.select_related("user").order_by(
            "-is_contact", "user__name"
        ),
        "invitations": organisation.invitations.pending(now) if membership.is_contact else [],
        "form": form,
    }
    return render(request, "programme/team.html", context)


def _team_action(request: SignedInRequest, organisation, form) -> bool:
    action, now = request.POST.get("action"), timezone.now()
    try:
        if action == "invite":
            if not form.is_valid():
                return False
            data = form.cleaned_data
            team.invite(organisation, data["email"], data["role"], by=request.user, now=now)
            messages.success(request, _("The invitation has been sent to %(email)s.") % data)
        elif action in ("revoke", "resend"):
            invitation = get_object_or_404(
                organisation.invitations, pk=_posted_id(request, "invitation")
            )
            if action == "revoke":
                team.revoke(invitation, now=now)
                messages.success(request, _("The invitation has been revoked."))
            else:
                team.resend(invitation, by=request.user, now=now)
                messages.success(request, _("The invitation has been sent again, with a new link."))
        elif action == "remove":
            member = get_object_or_404(
                organisation.memberships, pk=_posted_id(request, "membership")
            )
            team.remove(member, by=request.user)
            messages.success(
                request, _("%(name)s has been removed from the team.") % {"name": member.user}
            )
    except team.TeamError as error:
        if action == "invite":
            form.add_error("email", error.message)
            return False
        messages.error(request, error.message)
    return True


def _posted_id(request: HttpRequest, name: str) -> int:
    value = request.POST.get(name, "")
    if not value.isdigit():
        raise Http404("No such row.")
    return int(value)


@login_required
def invitation(request: SignedInRequest, token: str) -> HttpResponse:
    """Accept an invitation: only the person it was sent to, signed in with that address."""
    found = team.find(token)
    if found is None:
        # An old link of a resent invitation, or a mistyped one: said plainly, with a 404.
        return render(request, "programme/invitation.html", {"invitation": None}, status=404)
    now = timezone.now()
    wrong_person = request.user.email.lower() != found.email.lower()
    if request.method == "POST" and not wrong_person:
        try:
            team.accept(found, request.user, now=now)
        except team.TeamError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Welcome to the team of %(organisation)s!")
                % {"organisation": found.organisation},
            )
            return redirect("programme:team", organisation_id=found.organisation_id)
    context = {"invitation": found, "wrong_person": wrong_person, "open": found.is_open_at(now)}
    status = 403 if wrong_person else 200
    return render(request, "programme/invitation.html", context, status=status)


@login_required
def workspaces(request: SignedInRequest) -> HttpResponse:
    """The way in: straight to the one workspace a person has, or a choice among several."""
    found = list(
        Participation.objects.of_user(request.user)
        .select_related("cohort", "organisation")
        .order_by("-cohort__application_opens", "organisation__name")
    )
    if len(found) == 1:
        return redirect("programme:workspace", participation_id=found[0].pk)
    return render(request, "programme/workspaces.html", {"participations": found})


@login_required
def workspace(request: SignedInRequest, participation_id: int) -> HttpResponse:
    """The organisation's home in the programme: its timeline, sessions, pre-assignment, team."""
    participation = get_participation_or_404(request, participation_id)
    now = timezone.now()
    events = timeline(participation, now=now)
    context = {
        "participation": participation,
        "organisation": participation.organisation,
        "cohort": participation.cohort,
        "timeline": events,
        "upcoming": [event for event in events if event.session and not event.past][:3],
        "held": sum(1 for event in events if event.session and event.past),
        "ended": participation.cohort.ends_at <= now,
        "pre_assignment": pre_assignment_status(participation, now=now),
        "members": participation.organisation.memberships.select_related("user").order_by(
            "-is_contact", "user__name"
        ),
        "is_member": request.user.has_perm("academy.change_workspace", participation),
        "sparring_open": offered_times(participation, now=now).exists()
        and sparring_taken(participation) < participation.cohort.sparring_per_organisation,
    }
    return render(request, "programme/workspace.html", context)


@login_required
def download(request: SignedInRequest, public_id) -> FileResponse:
    """A private file, to those it belongs to: an attachment, never shown in the page."""
    stored = get_object_or_404(StoredFile, public_id=public_id)
    require_perm(request, "programme.download_file", stored)
    if not stored.file:
        raise Http404("The file's content has been removed (see academy.retention).")
    response = FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def calendar_page(request: SignedInRequest) -> HttpResponse:
    """The person's calendar address, to subscribe to in Outlook or Google, and to replace."""
    feed = CalendarFeed.objects.filter(user=request.user).first()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create" and feed is None:
            CalendarFeed.objects.get_or_create(user=request.user)
            messages.success(request, _("Your calendar address is ready."))
        elif action == "replace" and feed is not None:
            # A new secret in the same row: a double click cannot make two.
            CalendarFeed.objects.filter(pk=feed.pk).update(
                token=new_feed_token(), created_at=timezone.now(), last_read_at=None
            )
            messages.success(
                request, _("Your calendar address has been replaced: the old one no longer works.")
            )
        elif action == "delete" and feed is not None:
            feed.delete()
            messages.success(request, _("Your calendar address has been removed."))
        return redirect("programme:calendar")
    url = request.build_absolute_uri(_feed_path(feed.token)) if feed is not None else ""
    return render(request, "programme/calendar.html", {"feed": feed, "feed_url": url})


def _feed_path(token: str) -> str:
    return reverse("programme:feed", kwargs={"token": token})


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The calendar itself, read by calendar programs without signing in: the address is the key."""
    found = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if found is None or not found.user.is_active:
        raise Http404("No such calendar.")
    now = timezone.now()
    if found.last_read_at is None or now - found.last_read_at > dt.timedelta(hours=1):
        CalendarFeed.objects.filter(pk=found.pk).update(last_read_at=now)
    response = HttpResponse(
        feed_calendar(found.user, now=now), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="academy.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
