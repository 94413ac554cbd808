from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Action plans")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import (
            reminders,  # noqa: F401 - registers purposes and reminder rules
        )

        post_migrate.connect(restore_defaults, sender=self, dispatch_uid="plans.services.defaults")


def restore_defaults(sender, using: str = "default", **kwargs) -> None:
    """After a flush empties the database, the shipped set and categories come back.

    Only into an empty table: a set or category staff removed stays removed.
    """
    from django.apps import apps

    from .models import FactorSet, ProcurementCategory

    if FactorSet.objects.using(using).exists() or ProcurementCategory.objects.using(using).exists():
        return
    from .services import defaults

    defaults.load(apps)
    defaults.describe(apps)
    defaults.load_keywords(apps)
