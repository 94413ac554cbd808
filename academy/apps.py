from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AcademyConfig(AppConfig):
    name = "academy"
    verbose_name = _("Academy")

    def ready(self) -> None:
        from django.core.signals import request_finished
        from django.db.models.signals import post_migrate
        from django.utils.module_loading import autodiscover_modules

        from . import checks  # noqa: F401 - registers the deployment checks
        from .logs import forget_after_request
        from .staff import restore_programme_staff

        post_migrate.connect(restore_programme_staff, dispatch_uid="academy.programme_staff")
        request_finished.connect(forget_after_request, dispatch_uid="academy.request_id")
        # Each app's personal_data.py registers what it holds about a person.
        autodiscover_modules("personal_data")
        # ... and its retention.py the rules of how long it keeps it.
        autodiscover_modules("retention")
        # ... and its health.py what the status page checks (academy.health).
        autodiscover_modules("health")
