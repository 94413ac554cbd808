"""What a session tells the rest of the programme, and what workshops hears from the core.

Joining a team or a cohort brings invitations to what is ahead; leaving a team
ends them. Other apps add to a session's invitations, or act when one is
published, through the two signals below, so that workshops need not know them.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver
from django.utils import timezone

from academy.files import discard
from academy.models import Membership, Participation, StoredFile

invitation_parts = Signal()
"""Sent (``session``, ``first_publication``) before a session's mails are written.

A receiver returns None, or a function of (organisation, language) that returns
a dict added to the context of each invitation of that organisation's people in
that language; it is called once per organisation and language.
"""

session_published = Signal()
"""Sent (``session``, ``first_publication``) when a session has been published and
its invitations queued, in the same transaction."""


@receiver(post_save, sender=Membership, dispatch_uid="workshops.invite_new_member")
def invite_new_member(sender, instance: Membership, created: bool, **kwargs):
    if created:
        from .services import invite_to_upcoming

        # robust: a failed invitation is logged; it never undoes the person's joining.
        transaction.on_commit(lambda: invite_to_upcoming(instance), robust=True)


@receiver(post_save, sender=Participation, dispatch_uid="workshops.invite_new_participant")
def invite_new_participant(sender, instance: Participation, created: bool, **kwargs):
    if created:
        from .services import invite_to_upcoming

        def invite():
            for membership in Membership.objects.filter(organisation_id=instance.organisation_id):
                invite_to_upcoming(membership)

        transaction.on_commit(invite, robust=True)


@receiver(post_delete, sender=Membership, dispatch_uid="workshops.forget_removed_member")
def forget_removed_member(sender, instance: Membership, **kwargs):
    """Someone removed from a team is no longer invited to what is ahead of it.

    Without this they would still be reminded, see the sessions in their calendar
    feed and be listed for the team to mark as coming. Past rows stay: they record
    who attended.
    """
    from .models import Attendance

    Attendance.objects.filter(
        user_id=instance.user_id,
        organisation_id=instance.organisation_id,
        session__ends_at__gt=timezone.now(),
    ).delete()


@receiver(post_delete, sender=Participation, dispatch_uid="workshops.forget_withdrawn_organisation")
def forget_withdrawn_organisation(sender, instance: Participation, **kwargs):
    """An organisation that leaves the cohort is no longer invited to its sessions ahead."""
    from .models import Attendance

    Attendance.objects.filter(
        organisation_id=instance.organisation_id,
        session__cohort_id=instance.cohort_id,
        session__ends_at__gt=timezone.now(),
    ).delete()


@receiver(post_delete, sender="workshops.Material", dispatch_uid="workshops.discard_material_file")
def discard_material_file(sender, instance, **kwargs):
    if instance.file_id:
        stored = StoredFile.objects.filter(pk=instance.file_id).first()
        if stored is not None:
            discard(stored)
