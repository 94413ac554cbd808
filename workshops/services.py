"""Publishing, changing and cancelling sessions, with the e-mails and calendar data they send.

Whom a session invites is derived, not stored by hand: a joint session (the
kick-off, a workshop) invites the team of every organisation taking part in the
cohort, a sparring session the team of its organisation. ``sync_invitations``
brings every invitee up to the session's current version: a newcomer gets the
invitation, someone holding an older version gets the update. It is safe to
run again, so a person who joins a team later is invited by the same code.
"""

import datetime as dt
from collections.abc import Callable
from typing import cast

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from academy.links import absolute_url
from academy.markdown import plain_text
from academy.models import Membership, Organisation, Participation
from notifications.services import queue_email

from .calendar import invitation_calendar, location
from .models import Attendance, RecordingRequest, Session, SessionKind, SessionState
from .signals import invitation_parts, session_published


class SessionError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def invitees(session: Session) -> list[Membership]:
    """The team members a session is for, today."""
    memberships = Membership.objects.select_related("user", "organisation")
    if session.kind == SessionKind.SPARRING:
        if session.organisation_id is None:
            return []
        return list(memberships.filter(organisation_id=session.organisation_id))
    if session.kind == SessionKind.INFO:
        return []
    taking_part = Participation.objects.filter(cohort_id=session.cohort_id).values(
        "organisation_id"
    )
    return list(memberships.filter(organisation_id__in=taking_part))


def publish(session: Session, *, now: dt.datetime | None = None) -> int:
    """Make a session visible and invite its participants. Returns the number of mails queued."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        if locked.state == SessionState.CANCELLED:
            raise SessionError(_("A cancelled session cannot be published again."))
        if locked.kind == SessionKind.SPARRING and locked.organisation_id is None:
            raise SessionError(
                _("Choose the organisation before publishing a sparring session, or offer it.")
            )
        first_publication = locked.state != SessionState.PUBLISHED
        if first_publication:
            locked.state = SessionState.PUBLISHED
            locked.published_at = now
            locked.save(update_fields=["state", "published_at"])
        sent = sync_invitations(locked, first_publication=first_publication)
        session_published.send(Session, session=locked, first_publication=first_publication)
    session.refresh_from_db()
    return sent


def send_update(session: Session, *, changes=(), previous: dict | None = None) -> int:
    """After a change of time, place or agenda: a new version to everyone invited.

    ``changes`` names the fields that changed and ``previous`` the earlier start
    and end, so the mail can say what is new.
    """
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        if locked.state != SessionState.PUBLISHED:
            return 0
        locked.sequence += 1
        locked.save(update_fields=["sequence"])
        sent = sync_invitations(locked, changes=changes, previous=previous)
    session.refresh_from_db()
    return sent


def cancel(session: Session, *, now: dt.datetime | None = None) -> int:
    """Cancel a session; everyone who had been invited gets the cancellation."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Session.objects.select_for_update().select_related("cohort").get(pk=session.pk)
        if locked.state == SessionState.CANCELLED:
            return 0
        was_published = locked.state == SessionState.PUBLISHED
        locked.state = SessionState.CANCELLED
        locked.cancelled_at = now
        locked.sequence += 1
        locked.save(update_fields=["state", "cancelled_at", "sequence"])
        sent = 0
        if was_published:
            invited = locked.attendances.filter(invited_sequence__gte=0).select_related(
                "user", "organisation"
            )
            mailing = Mailing(locked)
            for attendance in invited:
                mailing.send(attendance, "session_cancelled")
                sent += 1
    session.refresh_from_db()
    return sent


def sync_invitations(
    session: Session, *, first_publication: bool = False, changes=(), previous=None
) -> int:
    """Invite whoever has not yet had the session's current version. Call in a transaction.

    What other parts of the programme add to an invitation comes from the receivers
    of ``invitation_parts``: the kick-off's carries the pre-assignment.
    """
    if session.state != SessionState.PUBLISHED:
        return 0
    people: dict[int, Membership] = {}
    for membership in invitees(session):
        # Someone on the teams of two organisations taking part is invited once.
        people.setdefault(membership.user_id, membership)
    rows = session.attendances.select_related("user", "organisation")
    existing = {attendance.user_id: attendance for attendance in rows}
    missing = [membership for user_id, membership in people.items() if user_id not in existing]
    if missing:
        Attendance.objects.bulk_create(
            [
                Attendance(session=session, user=m.user, organisation=m.organisation)
                for m in missing
            ],
            ignore_conflicts=True,
        )
        existing = {attendance.user_id: attendance for attendance in rows.all()}
    mailing = Mailing(session, first_publication=first_publication)
    mailing.changes, mailing.previous = list(changes), previous or {}
    invited = []
    for user_id in people:
        attendance = existing[user_id]
        if attendance.invited_sequence >= session.sequence:
            continue
        purpose = "session_invitation" if attendance.invited_sequence < 0 else "session_changed"
        mailing.send(attendance, purpose)
        invited.append(attendance.pk)
    Attendance.objects.filter(pk__in=invited).update(invited_sequence=session.sequence)
    return len(invited)


def invite_to_upcoming(membership: Membership, *, now: dt.datetime | None = None) -> int:
    """A new team member is invited to the sessions still ahead of their organisation."""
    now = now or timezone.now()
    cohorts = Participation.objects.filter(organisation_id=membership.organisation_id).values(
        "cohort_id"
    )
    upcoming = Session.objects.filter(
        state=SessionState.PUBLISHED, ends_at__gt=now, cohort_id__in=cohorts
    ).filter(kind__in=[SessionKind.KICKOFF, SessionKind.WORKSHOP]) | Session.objects.filter(
        state=SessionState.PUBLISHED, ends_at__gt=now, organisation_id=membership.organisation_id
    )
    sent = 0
    with transaction.atomic():
        # Locked, so that two people joining at once, or a join during a
        # publication, cannot invite the same person twice.
        for session in upcoming.select_for_update().select_related("cohort"):
            sent += sync_invitations(session)
    return sent


class Mailing:
    """The mails of one session to its people, with what they share looked up once."""

    def __init__(self, session: Session, *, first_publication: bool = False):
        self.session = session
        self.participations = dict(
            Participation.objects.filter(cohort_id=session.cohort_id).values_list(
                "organisation_id", "pk"
            )
        )
        answers = invitation_parts.send(
            Session, session=session, first_publication=first_publication
        )
        self.parts = [
            cast(Callable[[Organisation, str], dict], part)
            for _receiver, part in answers
            if part is not None
        ]
        self.part_contexts: dict[tuple[int, str], dict] = {}
        self.changes: list[str] = []
        self.previous: dict = {}

    def context(self, attendance: Attendance, language: str) -> dict:
        session = self.session
        participation = self.participations.get(attendance.organisation_id)
        url = (
            absolute_url(
                "workshops:session",
                language=language,
                participation=participation,
                session=session.pk,
            )
            if participation
            else ""
        )
        return {
            "cohort": session.cohort.title,
            "title": session.title,
            "kind": SessionKind(session.kind).label,
            "organisation": attendance.organisation.name,
            "starts_at": session.starts_at,
            "ends_at": session.ends_at,
            "online_url": session.online_url,
            "place": session.place,
            "location": location(session),
            "agenda": plain_text(session.agenda),
            "url": url,
            "contact_email": session.cohort.contact_email,
        }

    def send(self, attendance: Attendance, purpose: str) -> None:
        session, user = self.session, attendance.user
        language = user.preferred_language
        context = self.context(attendance, language)
        if purpose == "session_changed" and self.changes:
            fields = {field.name: field.verbose_name for field in Session._meta.fields}
            with translation.override(language):
                context["changes"] = [str(fields[name]) for name in self.changes]
            moved = {"starts_at", "ends_at"} & set(self.changes)
            if moved and self.previous.get("starts_at") and self.previous.get("ends_at"):
                context["previous_starts_at"] = self.previous["starts_at"]
                context["previous_ends_at"] = self.previous["ends_at"]
        if purpose == "session_invitation" and self.parts:
            key = (attendance.organisation_id, language)
            if key not in self.part_contexts:
                self.part_contexts[key] = {}
                for part in self.parts:
                    self.part_contexts[key].update(part(attendance.organisation, language))
            context.update(self.part_contexts[key])
        queue_email(
            purpose,
            user.email,
            context,
            f"session:{session.pk}:{session.sequence}:{purpose}:{user.pk}",
            recipient=user,
            language=language,
            about=session,
            cohort=session.cohort,
            calendar=invitation_calendar(session, user, language=language),
        )


# Offered sparring times: the organisation picks, as applicants pick interview times.


def offered_times(participation: Participation, *, now: dt.datetime):
    return Session.objects.filter(
        cohort_id=participation.cohort_id,
        kind=SessionKind.SPARRING,
        state=SessionState.OFFERED,
        organisation__isnull=True,
        starts_at__gt=now,
    )


def sparring_taken(participation: Participation) -> int:
    return Session.objects.filter(
        cohort_id=participation.cohort_id,
        organisation_id=participation.organisation_id,
        kind=SessionKind.SPARRING,
        state=SessionState.PUBLISHED,
    ).count()


def pick_sparring(session_id: int, participation: Participation, *, now: dt.datetime) -> Session:
    """Take an offered time for the organisation; it is published to its team at once."""
    with transaction.atomic():
        # The organisation's sparring rows are locked too: two members picking at
        # once cannot take more times than the cohort allows.
        list(
            Participation.objects.select_for_update()
            .filter(pk=participation.pk)
            .values_list("pk", flat=True)
        )
        session = (
            Session.objects.select_for_update()
            .filter(pk=session_id, cohort_id=participation.cohort_id, kind=SessionKind.SPARRING)
            .first()
        )
        if (
            session is None
            or session.state != SessionState.OFFERED
            or session.organisation_id is not None
            or session.starts_at <= now
        ):
            raise SessionError(
                _("Someone else took this time just now, or it is no longer offered.")
            )
        if sparring_taken(participation) >= participation.cohort.sparring_per_organisation:
            raise SessionError(
                _("Your organisation already has all its sparring sessions: %(count)s.")
                % {"count": participation.cohort.sparring_per_organisation}
            )
        session.organisation_id = participation.organisation_id
        session.state = SessionState.PUBLISHED
        session.published_at = now
        name = participation.organisation.name
        if name not in session.title:
            # Offered as "Sparring time A", it is now this organisation's, in every list.
            session.title = f"{session.title}: {name}"[:200]
        session.save(update_fields=["organisation", "state", "published_at", "title"])
        sync_invitations(session)
        queue_email(
            "sparring_picked_staff",
            participation.cohort.contact_email,
            {
                "cohort": participation.cohort.title,
                "organisation": name,
                "title": session.title,
                "starts_at": session.starts_at,
                "ends_at": session.ends_at,
                "url": absolute_url("admin:workshops_session_change", object_id=session.pk),
            },
            f"sparring-picked:{session.pk}:{participation.organisation_id}",
            about=session,
            cohort=participation.cohort,
        )
    return session


# Attendance, as the organisation tells it.


def set_coming(session: Session, organisation_id: int, coming_user_ids: set[int]) -> None:
    """The organisation says who of its invited team will attend; the others will not."""
    with transaction.atomic():
        rows = session.attendances.select_for_update().filter(organisation_id=organisation_id)
        for attendance in rows:
            coming = attendance.user_id in coming_user_ids
            if attendance.coming != coming:
                attendance.coming = coming
                attendance.save(update_fields=["coming"])


# The info session's recording.


# Asked again after this long, the link is sent again (a lost or filtered mail);
# sooner, the request is only acknowledged, so the form cannot flood an inbox.
RESEND_AFTER = dt.timedelta(hours=1)


def request_recording(
    session: Session, email: str, language: str, *, now: dt.datetime | None = None
) -> tuple[RecordingRequest, bool]:
    """Record a request; the link goes out now if there is one, or when staff add it.

    Returns the request and whether a mail was sent now. The session row is
    locked, as when staff save the link, so no request falls between the two.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = Session.objects.select_for_update().select_related("cohort").get(pk=session.pk)
        request, created = RecordingRequest.objects.get_or_create(
            session=locked, email__iexact=email, defaults={"email": email, "language": language}
        )
        if not locked.recording_url:
            return request, False
        if created or request.sent_at is None or now - request.sent_at >= RESEND_AFTER:
            _send_recording(locked, request, now=now)
            return request, True
    return request, False


def send_pending_recordings(session: Session) -> int:
    """Called when staff have saved the recording link: everyone waiting for it gets it."""
    sent = 0
    with transaction.atomic():
        locked = Session.objects.select_for_update().select_related("cohort").get(pk=session.pk)
        if not locked.recording_url:
            return 0
        waiting = locked.recording_requests.select_for_update().filter(sent_at__isnull=True)
        for request in waiting:
            _send_recording(locked, request, now=timezone.now())
            sent += 1
    return sent


def _send_recording(session: Session, request: RecordingRequest, *, now: dt.datetime) -> None:
    queue_email(
        "recording_link",
        request.email,
        {
            "cohort": session.cohort.title,
            "title": session.title,
            "starts_at": session.starts_at,
            "recording_url": session.recording_url,
            "programme_url": absolute_url(
                "programme:cohort", language=request.language, slug=session.cohort.slug
            ),
            "contact_email": session.cohort.contact_email,
        },
        f"recording:{request.pk}:{now:%Y%m%d%H%M%S}",
        language=request.language,
        about=session,
        cohort=session.cohort,
    )
    request.sent_at = now
    request.save(update_fields=["sent_at"])
