from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import translation

from academy.models import Cohort
from notifications.services import email_sent

from . import decisions
from .criteria import create_default_criteria
from .models import Application


@receiver(post_save, sender=Cohort, dispatch_uid="applications.default_review_criteria")
def default_review_criteria(sender, instance: Cohort, created: bool, raw: bool = False, **kwargs):
    if created and not raw:
        with translation.override(settings.LANGUAGE_CODE):
            create_default_criteria(instance)


@receiver(email_sent, dispatch_uid="applications.announce_decision")
def decision_mail_sent(sender, email, **kwargs) -> None:
    about = email.about_type.model_class() if email.about_type_id else None
    if email.purpose in decisions.MAIL_FOR.values() and about is Application:
        decisions.announce(int(email.about_id), email.purpose, at=email.sent_at)
