"""Decisions: recorded quietly, applied as draft mails staff send, confirmed by the selected.

Staff set a pending decision on each submitted application (selected, reserve
or not selected) and may change it freely: nobody is told. Applying the
decisions moves the applications to their states and writes one decision mail
per organisation as a *draft* in the outbox; nothing goes out until staff send
the drafts. A selected organisation confirms (or declines) by a deadline; a
confirmation makes it a participant: an organisation with the applicant as its
contact person.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from academy.links import absolute_url
from academy.models import Cohort, Membership, Organisation, Participation, TeamRole
from notifications.services import queue_email

from .models import TAKING_A_PLACE, Application, ApplicationState, Decision
from .services import ApplicationError, NotAllowed, transition

State = ApplicationState
DECIDABLE = [State.SUBMITTED, State.RESERVE]
MAIL_FOR: dict[str, str] = {
    State.SELECTED: "decision_selected",
    State.RESERVE: "decision_reserve",
    State.NOT_SELECTED: "decision_not_selected",
}


class ConfirmationClosed(ApplicationError):
    pass


def places_taken(cohort: Cohort) -> int:
    """Selected or confirmed, plus pending selections not yet applied."""
    applications = Application.objects.filter(cohort=cohort)
    taken = applications.filter(state__in=TAKING_A_PLACE).count()
    pending = applications.filter(
        pending_decision=Decision.SELECTED, state__in=[State.SUBMITTED, State.RESERVE]
    ).count()
    return taken + pending


def apply_decisions(applications, *, by, now: dt.datetime) -> int:
    """Apply these applications' pending decisions; the mails wait as drafts. Returns how many."""
    applied = 0
    for application in applications.filter(state__in=DECIDABLE).exclude(pending_decision=""):
        with transaction.atomic():
            locked = (
                Application.objects.select_for_update(of=("self",))
                .select_related("cohort", "applicant")
                .get(pk=application.pk)
            )
            if locked.state not in DECIDABLE or not locked.pending_decision:
                continue
            decision = locked.pending_decision
            locked.pending_decision = ""
            locked.decision_announced_at = None
            locked.confirm_by = None
            transition(locked, decision, by=by, at=now)
            _queue_decision_mail(locked)
            applied += 1
    return applied


def announce(application_id: int, purpose: str, *, at: dt.datetime) -> None:
    """The decision mail has gone: the applicant sees the decision; the time to confirm runs."""
    application = Application.objects.select_related("cohort").filter(pk=application_id).first()
    if application is None or MAIL_FOR.get(application.state) != purpose:
        return
    confirm_by = None
    if application.state == State.SELECTED:
        confirm_by = at + dt.timedelta(days=application.cohort.confirmation_days)
    Application.objects.filter(pk=application.pk, decision_announced_at__isnull=True).update(
        decision_announced_at=at, confirm_by=confirm_by
    )


def _queue_decision_mail(application: Application) -> None:
    applicant = application.applicant
    language = applicant.preferred_language
    queue_email(
        MAIL_FOR[application.state],
        applicant.email,
        {
            "cohort": application.cohort.title,
            "organisation": application.organisation_name,
            # The deadline is set when the mail goes out: staff may send it days later.
            "confirmation_days": application.cohort.confirmation_days,
            "kickoff_start": application.cohort.kickoff_start,
            "kickoff_end": application.cohort.kickoff_end,
            "url": absolute_url(
                "applications:confirm", language=language, public_id=application.public_id
            ),
            "contact_email": application.cohort.contact_email,
        },
        # One decision mail per organisation and decision, whatever is applied twice.
        f"decision:{application.pk}:{application.state}",
        recipient=applicant,
        review=True,
        about=application,
        cohort=application.cohort,
    )


def _locked_selected(application: Application, now: dt.datetime) -> Application:
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("cohort", "applicant")
        .get(pk=application.pk)
    )
    if locked.state != State.SELECTED or locked.decision_announced_at is None:
        raise NotAllowed(_("There is nothing to confirm for this application."))
    if locked.confirm_by is not None and now > locked.confirm_by:
        raise ConfirmationClosed(
            _("The time to confirm has passed. Please contact programme staff at %(email)s.")
            % {"email": locked.cohort.contact_email}
        )
    return locked


def confirm_participation(application: Application, *, by, now: dt.datetime) -> Organisation:
    """The selected organisation takes its place: it and its contact person become participants."""
    with transaction.atomic():
        locked = _locked_selected(application, now)
        transition(locked, State.CONFIRMED, by=by, at=now)
        organisation, created = Organisation.objects.get_or_create(
            business_id=locked.business_id,
            defaults={"name": locked.organisation_name, "kind": locked.organisation_kind},
        )
        Participation.objects.get_or_create(cohort_id=locked.cohort_id, organisation=organisation)
        already_led = organisation.memberships.filter(is_contact=True).exclude(
            user=locked.applicant
        )
        # An organisation that already has a contact person keeps them: a business ID
        # typed on a form is no proof of speaking for its team. Staff are asked to
        # add the applicant by hand.
        needs_staff = not created and already_led.exists()
        if not needs_staff:
            Membership.objects.update_or_create(
                user=locked.applicant,
                organisation=organisation,
                defaults={"role": _applicant_role(locked), "is_contact": True},
            )
        _queue_staff_notice(locked, "decision_confirmed_staff", needs_staff=needs_staff)
    return organisation


def _applicant_role(application: Application) -> str:
    """The role the applicant named for themselves in the proposed team, if they did."""
    email = application.applicant.email.lower()
    for member in application.team.all():
        if member.email.lower() == email:
            return member.role
    return TeamRole.PROCUREMENT_LEAD


def decline_participation(
    application: Application, *, by, now: dt.datetime, reason: str = ""
) -> Application:
    """The place is freed: staff are told, and may select a reserve."""
    with transaction.atomic():
        locked = _locked_selected(application, now)
        transition(locked, State.DECLINED, by=by, at=now, note=reason)
        _queue_staff_notice(locked, "decision_declined_staff")
    return locked


def _queue_staff_notice(application: Application, purpose: str, *, needs_staff=False) -> None:
    queue_email(
        purpose,
        application.cohort.contact_email,
        {
            "cohort": application.cohort.title,
            "organisation": application.organisation_name,
            "taken": places_taken(application.cohort),
            "capacity": application.cohort.capacity,
            "needs_staff": needs_staff,
            "url": absolute_url("admin:applications_application_change", object_id=application.pk),
        },
        f"decision:{application.pk}:{purpose}",
        language=settings.LANGUAGE_CODE,
        about=application,
        cohort=application.cohort,
    )


def participants(cohort: Cohort):
    """The organisations that confirmed, for the public list."""
    return Application.objects.filter(cohort=cohort, state=State.CONFIRMED).order_by(
        "organisation_name"
    )
