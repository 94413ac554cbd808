"""Someone who joins a team, or an organisation that joins a cohort, is invited to what is ahead."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from academy.models import Membership, Participation


@receiver(post_save, sender=Membership, dispatch_uid="workshops.invite_new_member")
def invite_new_member(sender, instance: Membership, created: bool, **kwargs):
    if created:
        from .services import invite_to_upcoming

        transaction.on_commit(lambda: invite_to_upcoming(instance))


@receiver(post_save, sender=Participation, dispatch_uid="workshops.invite_new_participant")
def invite_new_participant(sender, instance: Participation, created: bool, **kwargs):
    if created:
        from .services import invite_to_upcoming

        def invite():
            for membership in Membership.objects.filter(organisation_id=instance.organisation_id):
                invite_to_upcoming(membership)

        transaction.on_commit(invite)
