"""The organisation's team: invitations by e-mail, bound to their address, and removals.

An invitation's link carries a random secret; only its hash is stored. The
invitation can be accepted only by a signed-in person whose e-mail address is
the one invited (allauth has verified it), so a forwarded link lets nobody
else join. It expires, and the contact person may revoke or resend it.
"""

import datetime as dt
import hashlib
import secrets

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from academy.links import absolute_url
from academy.models import INVITATION_VALID, Invitation, Membership, Organisation, TeamRole, User
from academy.rules import forget_teams
from notifications.services import queue_email


class TeamError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(
    organisation: Organisation, email: str, role: str, *, by: User, now: dt.datetime
) -> Invitation:
    email = email.strip().lower()
    if organisation.memberships.filter(user__email__iexact=email).exists():
        raise TeamError(_("This person is already on the team."))
    token = secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            # An expired invitation no longer holds the address.
            organisation.invitations.filter(
                email__iexact=email,
                accepted_at__isnull=True,
                revoked_at__isnull=True,
                expires_at__lte=now,
            ).update(revoked_at=now)
            invitation = Invitation.objects.create(
                organisation=organisation,
                email=email,
                role=role,
                token_hash=_hash(token),
                invited_by=by,
                created_at=now,
                expires_at=now + INVITATION_VALID,
            )
    except IntegrityError as error:
        raise TeamError(
            _("This address already has an open invitation: resend it instead.")
        ) from error
    _queue_invitation(invitation, token)
    return invitation


def resend(invitation: Invitation, *, by: User, now: dt.datetime) -> Invitation:
    """A new link and a new validity; the old link stops working."""
    with transaction.atomic():
        locked = (
            Invitation.objects.select_for_update()
            .select_related("organisation")
            .get(pk=invitation.pk)
        )
        if locked.accepted_at or locked.revoked_at:
            raise TeamError(_("This invitation is no longer open."))
        token = secrets.token_urlsafe(32)
        locked.token_hash = _hash(token)
        locked.created_at = now
        locked.expires_at = now + INVITATION_VALID
        locked.invited_by = by
        locked.save(update_fields=["token_hash", "created_at", "expires_at", "invited_by"])
        _queue_invitation(locked, token)
    return locked


def revoke(invitation: Invitation, *, now: dt.datetime) -> None:
    Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(revoked_at=now)


def find(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(token_hash=_hash(token))
        .first()
    )


def accept(invitation: Invitation, user: User, *, now: dt.datetime) -> Membership:
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not locked.is_open_at(now):
            raise TeamError(
                _("This invitation is no longer valid. Ask your contact person for a new one.")
            )
        if user.email.lower() != locked.email.lower():
            raise TeamError(_("This invitation was sent to another e-mail address."))
        membership, _created = Membership.objects.get_or_create(
            user=user, organisation=locked.organisation, defaults={"role": locked.role}
        )
        locked.accepted_at = now
        locked.accepted_by = user
        locked.save(update_fields=["accepted_at", "accepted_by"])
    forget_teams(user)
    return membership


def remove(membership: Membership, *, by: User) -> None:
    if membership.user_id == by.pk:
        raise TeamError(_("You cannot remove yourself: you are the contact person."))
    membership.delete()
    forget_teams(membership.user)


def _queue_invitation(invitation: Invitation, token: str) -> None:
    language = invitation.invited_by.preferred_language if invitation.invited_by else None
    queue_email(
        "team_invitation",
        invitation.email,
        {
            "organisation": invitation.organisation.name,
            "role": TeamRole(invitation.role).label,
            "invited_by": invitation.invited_by.get_full_name() if invitation.invited_by else "",
            "expires_at": invitation.expires_at,
            "url": absolute_url("programme:invitation", language=language, token=token),
        },
        f"invitation:{invitation.pk}:{invitation.token_hash[:16]}",
        language=language,
        about=invitation,
        # The link lets the invited person join: like a sign-in link, it is not kept.
        sensitive=True,
    )
