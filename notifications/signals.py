from django.db.models.signals import post_save
from django.dispatch import receiver

from academy.models import Cohort


@receiver(post_save, sender=Cohort, dispatch_uid="notifications.default_reminder_offsets")
def give_a_new_cohort_the_default_reminder_times(sender, instance: Cohort, created: bool, **kw):
    if created:
        from .reminders import create_default_offsets

        create_default_offsets(instance)
