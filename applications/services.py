"""The application workflow: start, save, submit, withdraw and reopen, with their e-mails.

Each state change goes through ``transition``, which checks the move, records
who made it and when, and leaves the e-mails to the function that called it.
Every function that changes an application locks its row first, so two tabs
or two people acting at once are put one after the other.
"""

import contextlib
import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from academy.links import absolute_url
from academy.models import Cohort, OrganisationKind
from academy.templatetags.academy_tags import helsinki
from notifications.services import queue_email

from . import answers
from .checklist import Missing, missing
from .models import (
    EDITABLE_STATES,
    Application,
    ApplicationState,
    ApplicationVersion,
    StateChange,
)

State = ApplicationState

TRANSITIONS = {
    ("", State.DRAFT),
    (State.DRAFT, State.SUBMITTED),
    (State.DRAFT, State.WITHDRAWN),
    (State.SUBMITTED, State.WITHDRAWN),
    (State.WITHDRAWN, State.DRAFT),
    # Decisions (applications.decisions)
    (State.SUBMITTED, State.SELECTED),
    (State.SUBMITTED, State.RESERVE),
    (State.SUBMITTED, State.NOT_SELECTED),
    (State.RESERVE, State.SELECTED),
    (State.RESERVE, State.NOT_SELECTED),
    (State.SELECTED, State.CONFIRMED),
    (State.SELECTED, State.DECLINED),
}


class ApplicationError(Exception):
    """A request the rules refuse; the message is shown to the person."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class WindowClosed(ApplicationError):
    pass


class NotAllowed(ApplicationError):
    pass


class AlreadySubmitted(ApplicationError):
    pass


class DuplicateOrganisation(ApplicationError):
    pass


class EditConflict(ApplicationError):
    pass


class Incomplete(ApplicationError):
    def __init__(self, items: list[Missing]) -> None:
        super().__init__(_("The application is not complete yet."))
        self.items = items


def duplicate_message(cohort: Cohort) -> str:
    # Says that the place is taken and whom to ask, nothing about the other application.
    return _(
        "An application for this organisation has already been made to this cohort. "
        "Please contact programme staff at %(email)s."
    ) % {"email": cohort.contact_email}


def closed_message(application: Application) -> str:
    return _("The application period closed at %(deadline)s.") % {
        "deadline": helsinki(application.deadline)
    }


def transition(
    application: Application, to: str, *, by, at: dt.datetime, note: str = ""
) -> StateChange:
    """Move an application to another state and record the move. The caller holds the lock."""
    if (application.state, to) not in TRANSITIONS:
        raise NotAllowed(_("This cannot be done to an application in its present state."))
    change = StateChange.objects.create(
        application=application, from_state=application.state, to_state=to, at=at, by=by, note=note
    )
    application.state = to
    application.save(
        update_fields=[
            "state",
            "submitted_at",
            "submission_count",
            "pending_decision",
            "decision_announced_at",
            "confirm_by",
            "updated_at",
        ]
    )
    return change


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("cohort", "applicant")
        .get(pk=application.pk)
    )


def start_application(cohort: Cohort, user, kind: str, *, now: dt.datetime) -> Application:
    """The person's active application to the cohort, or a new draft for an eligible kind."""
    existing = Application.objects.active().filter(cohort=cohort, applicant=user).first()
    if existing is not None:
        return existing
    if kind not in OrganisationKind.values:
        raise NotAllowed(_("Only public bodies of the listed kinds can apply."))
    if not cohort.is_application_open(now):
        raise WindowClosed(_("Applications to this cohort are not open."))
    try:
        with transaction.atomic():
            application = Application.objects.create(
                cohort=cohort,
                applicant=user,
                organisation_kind=kind,
                contact_name=user.name,
                contact_email=user.email,
                state="",
            )
            transition(application, State.DRAFT, by=user, at=now)
    except IntegrityError:
        # The same person started twice at once (a double click): one draft.
        return Application.objects.active().get(cohort=cohort, applicant=user)
    return application


def team_of(formset) -> list:
    """The team a valid formset would save: its kept, non-empty rows."""
    deleted = set(formset.deleted_forms)
    return [
        form.instance
        for form in formset.forms
        if form not in deleted and (form.instance.pk or form.has_changed())
    ]


def version_token(application: Application) -> str:
    """What the edit page was loaded from: a save from an older page is a conflict."""
    return application.updated_at.isoformat()


def save_answers(
    application: Application, form, formset, *, by, now: dt.datetime, seen: str | None = None
) -> Application:
    """Store valid forms' answers. A submitted application must stay complete; a draft need not.

    ``seen`` is the version token of the page the answers were typed on: when
    another window or person has saved since, nothing is saved (EditConflict).
    """
    with transaction.atomic():
        locked = _locked(application)
        _check_editable(locked, now, seen)
        if locked.state == State.SUBMITTED and (items := missing(form.instance, team_of(formset))):
            raise Incomplete(items)
        _save_forms(locked, form, formset)
        if locked.state == State.SUBMITTED:
            record_version(locked, by=by)
    return locked


def save_valid_draft_answers(
    application: Application, form, formset, *, by, now: dt.datetime, seen: str | None = None
) -> Application:
    """Keep the valid answers of a draft whose other answers are still being corrected.

    The invalid ones stay as they were stored; the team is kept only when every row is valid.
    """
    with transaction.atomic():
        locked = _locked(application)
        _check_editable(locked, now, seen)
        if locked.state != State.DRAFT:
            raise NotAllowed(_("Only a draft is saved with answers missing."))
        valid = [
            name for name in form.fields if name in form.cleaned_data and name not in form.errors
        ]
        for name in valid:
            setattr(locked, name, form.cleaned_data[name])
        if _place_taken(locked, locked.business_id):
            raise DuplicateOrganisation(duplicate_message(locked.cohort))
        try:
            with transaction.atomic():
                locked.save(update_fields=[*valid, "updated_at"])
                if formset.is_valid():
                    _save_team(locked, formset)
        except IntegrityError as error:
            raise DuplicateOrganisation(duplicate_message(locked.cohort)) from error
    return locked


def _check_editable(locked: Application, now: dt.datetime, seen: str | None) -> None:
    if seen is not None and seen != version_token(locked):
        raise EditConflict(
            _(
                "Not saved: the application was changed in another window after you opened "
                "this page. Your answers are kept below; check them and save again to "
                "replace the other changes with yours."
            )
        )
    if locked.state not in EDITABLE_STATES:
        raise NotAllowed(_("This application can no longer be changed."))
    if not locked.is_open_at(now):
        raise WindowClosed(closed_message(locked))


def _place_taken(application: Application, business_id: str) -> bool:
    others = Application.objects.active().filter(
        cohort_id=application.cohort_id, business_id=business_id
    )
    return bool(business_id) and others.exclude(pk=application.pk).exists()


def _save_forms(locked: Application, form, formset) -> None:
    answered = form.save(commit=False)
    fields = [name for name in form.fields if name in answers.FIELDS]
    if _place_taken(locked, answered.business_id):
        raise DuplicateOrganisation(duplicate_message(locked.cohort))
    try:
        with transaction.atomic():
            # Only the answers: the state and dates on the form's copy may be stale.
            answered.save(update_fields=[*fields, "updated_at"])
            _save_team(locked, formset)
    except IntegrityError as error:
        # Another application took the business ID between the check and the
        # save (PostgreSQL runs both at once; SQLite one after the other).
        raise DuplicateOrganisation(duplicate_message(locked.cohort)) from error
    for name in fields:
        setattr(locked, name, getattr(answered, name))


def _save_team(application: Application, formset) -> None:
    members = formset.save(commit=False)
    for member in formset.deleted_objects:
        member.delete()
    kept = team_of(formset)
    for position, member in enumerate(kept):
        member.application = application
        member.position = position
        if member in members or member.pk is None:
            member.save()
        else:
            type(member).objects.filter(pk=member.pk).update(position=position)


def record_version(application: Application, *, by) -> ApplicationVersion:
    last = application.versions.order_by("-number").values_list("number", flat=True).first() or 0
    data = answers.snapshot(application, application.team.all())
    return ApplicationVersion.objects.create(
        application=application, number=last + 1, answers=data, created_by=by
    )


def submit_application(application: Application, *, by, now: dt.datetime) -> Application:
    """Submit a complete draft while the window (or the organisation's extension) is open."""
    with transaction.atomic():
        locked = _locked(application)
        if locked.state == State.SUBMITTED:
            raise AlreadySubmitted(_("This application has already been submitted."))
        if locked.state != State.DRAFT:
            raise NotAllowed(_("Only a draft can be submitted."))
        if not locked.is_open_at(now):
            raise WindowClosed(closed_message(locked))
        if items := missing(locked, locked.team.all()):
            raise Incomplete(items)
        locked.submitted_at = now
        locked.submission_count += 1
        transition(locked, State.SUBMITTED, by=by, at=now)
        version = record_version(locked, by=by)
        _queue_submitted_mails(locked, version)
    return locked


def withdraw_application(
    application: Application, *, by, now: dt.datetime, reason: str = "", by_staff: bool = False
) -> Application:
    """The applicant withdraws until their deadline; staff, on request, at any time."""
    with transaction.atomic():
        locked = _locked(application)
        if not by_staff and not locked.is_open_at(now):
            raise WindowClosed(
                _("The application period has closed: ask programme staff at %(email)s.")
                % {"email": locked.cohort.contact_email}
            )
        was_submitted = locked.state == State.SUBMITTED
        change = transition(locked, State.WITHDRAWN, by=by, at=now, note=reason)
        if was_submitted:
            _queue_withdrawn_mails(locked, change)
            _free_the_interview(locked, by=by, now=now)
    return locked


def _free_the_interview(application: Application, *, by, now: dt.datetime) -> None:
    """A withdrawn application is not interviewed: its slot is freed and the calendar told."""
    # Imported here: the interviews module builds on this one.
    from .interviews import cancel_interview

    for interview in application.interviews.active():
        # One cancelled a moment ago by its applicant is free already.
        with contextlib.suppress(NotAllowed):
            cancel_interview(interview, by=by, now=now, by_staff=True)


def reopen_application(application: Application, *, by, now: dt.datetime) -> Application:
    """Undo a withdrawal: back to a draft, while the window is open and the place is free."""
    with transaction.atomic():
        locked = _locked(application)
        if locked.state != State.WITHDRAWN:
            raise NotAllowed(_("Only a withdrawn application can be reopened."))
        if not locked.is_open_at(now):
            raise WindowClosed(closed_message(locked))
        if has_other_active(locked):
            raise NotAllowed(_("You already have an application to this cohort."))
        if _place_taken(locked, locked.business_id):
            raise DuplicateOrganisation(duplicate_message(locked.cohort))
        locked.submitted_at = None
        try:
            with transaction.atomic():
                transition(locked, State.DRAFT, by=by, at=now)
        except IntegrityError as error:
            raise DuplicateOrganisation(duplicate_message(locked.cohort)) from error
    return locked


def has_other_active(application: Application) -> bool:
    """Whether the applicant has started another application to the same cohort."""
    others = Application.objects.active().filter(
        cohort_id=application.cohort_id, applicant_id=application.applicant_id
    )
    return others.exclude(pk=application.pk).exists()


def set_extension(
    application: Application, until: dt.datetime | None, reason: str, *, by
) -> Application:
    """Staff extend, change or take back one organisation's deadline; the applicant is told."""
    with transaction.atomic():
        locked = _locked(application)
        reason = reason if until else ""
        if (locked.deadline_extended_to, locked.extension_reason) == (until, reason):
            return locked
        before = locked.deadline
        locked.deadline_extended_to = until
        locked.extension_reason = reason
        locked.save(update_fields=["deadline_extended_to", "extension_reason", "updated_at"])
        if locked.deadline != before and locked.state in EDITABLE_STATES:
            _queue_extension_mail(locked)
    return locked


def _queue_extension_mail(application: Application) -> None:
    applicant = application.applicant
    queue_email(
        "application_deadline_changed",
        applicant.email,
        {
            "cohort": application.cohort.title,
            "organisation": application.organisation_name,
            "deadline": application.deadline,
            "url": absolute_url(
                "applications:detail",
                language=applicant.preferred_language,
                public_id=application.public_id,
            ),
            "contact_email": application.cohort.contact_email,
        },
        f"application:{application.pk}:deadline:{application.deadline.isoformat()}",
        recipient=applicant,
        about=application,
        cohort=application.cohort,
    )


def confirmation_context(application: Application, data: dict, language: str) -> dict:
    cohort = application.cohort
    with translation.override(language):
        return {
            "cohort": cohort.title,
            "organisation": application.organisation_name,
            "submitted_at": application.submitted_at,
            "deadline": application.deadline,
            "interviews_start": cohort.interviews_start,
            "interviews_end": cohort.interviews_end,
            "decisions_on": cohort.decisions_on,
            "contact_email": cohort.contact_email,
            "url": absolute_url(
                "applications:detail", language=language, public_id=application.public_id
            ),
            "interview_url": absolute_url(
                "applications:interview", language=language, public_id=application.public_id
            ),
            "sections": answers.sections(data),
            "team": answers.team_display(data),
        }


def _queue_submitted_mails(application: Application, version: ApplicationVersion) -> None:
    applicant = application.applicant
    language = applicant.preferred_language
    context = confirmation_context(application, version.answers, language)
    prefix = f"application:{application.pk}:submitted:{application.submission_count}"
    # To the applicant's verified address only: a copy to the contact address
    # typed on the form would let anyone send text to any address.
    queue_email(
        "application_submitted",
        applicant.email,
        context,
        f"{prefix}:applicant",
        recipient=applicant,
        language=language,
        about=application,
        cohort=application.cohort,
    )
    queue_email(
        "application_received",
        application.cohort.contact_email,
        _staff_context(application),
        f"{prefix}:staff",
        language=settings.LANGUAGE_CODE,
        about=application,
        cohort=application.cohort,
    )


def _staff_context(application: Application) -> dict:
    return {
        "cohort": application.cohort.title,
        "organisation": application.organisation_name,
        "business_id": application.business_id,
        "kind": OrganisationKind(application.organisation_kind).label,
        "submitted_at": application.submitted_at,
        "url": absolute_url("admin:applications_application_change", object_id=application.pk),
    }


def _queue_withdrawn_mails(application: Application, change: StateChange) -> None:
    """A confirmation to the applicant and a notice to staff, who may have planned an interview."""
    applicant = application.applicant
    context = {
        "cohort": application.cohort.title,
        "organisation": application.organisation_name,
        "withdrawn_at": change.at,
        "contact_email": application.cohort.contact_email,
        "reason": change.note,
    }
    key = f"application:{application.pk}:withdrawn:{change.pk}"
    queue_email(
        "application_withdrawn",
        applicant.email,
        context,
        key,
        recipient=applicant,
        about=application,
        cohort=application.cohort,
    )
    queue_email(
        "application_withdrawn_staff",
        application.cohort.contact_email,
        {**context, "url": _staff_context(application)["url"]},
        f"{key}:staff",
        language=settings.LANGUAGE_CODE,
        about=application,
        cohort=application.cohort,
    )
