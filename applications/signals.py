from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import translation

from academy.models import Cohort

from .criteria import create_default_criteria


@receiver(post_save, sender=Cohort, dispatch_uid="applications.default_review_criteria")
def default_review_criteria(sender, instance: Cohort, created: bool, raw: bool = False, **kwargs):
    if created and not raw:
        with translation.override(settings.LANGUAGE_CODE):
            create_default_criteria(instance)
