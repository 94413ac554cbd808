"""A template removed by staff takes its file with it."""

from django.db.models.signals import post_delete
from django.dispatch import receiver


@receiver(post_delete, sender="assignments.Template", dispatch_uid="assignments.discard_template")
def discard_template_file(sender, instance, **kwargs):
    from academy.files import discard
    from academy.models import StoredFile

    stored = StoredFile.objects.filter(pk=instance.file_id).first()
    if stored is not None:
        discard(stored)
