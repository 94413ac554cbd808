"""The "Programme staff" group and its permissions, kept in one place for the data migrations."""

from django.apps.registry import Apps
from django.contrib.auth.management import create_permissions

PROGRAMME_STAFF = "Programme staff"

ALL = ("add", "change", "delete", "view")


def grant_to_programme_staff(apps: Apps, permissions: dict[str, tuple[str, ...]]) -> None:
    """Give the group the named permissions, e.g. ``{"academy.cohort": ALL}``.

    Django creates permissions after the migrations have run, so they are made
    here first for the apps involved; granting twice changes nothing.
    """
    app_labels = {key.split(".")[0] for key in permissions}
    for label in app_labels:
        app_config = apps.get_app_config(label)
        # create_permissions skips an app whose models module it cannot see,
        # which is how the migration state presents every app.
        app_config.models_module = True  # type: ignore[assignment]  # any true value will do
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=PROGRAMME_STAFF)
    permission_model = apps.get_model("auth", "Permission")
    for key, actions in permissions.items():
        app_label, model = key.split(".")
        codenames = [f"{action}_{model}" for action in actions]
        group.permissions.add(
            *permission_model.objects.filter(
                content_type__app_label=app_label, codename__in=codenames
            )
        )


# Everything the data migrations grant the group, in one place, for restoring
# the group when a database is emptied (``flush``) and migrated data is gone.
PERMISSIONS: dict[str, tuple[str, ...]] = {
    "academy.cohort": ALL,
    "academy.organisation": ALL,
    "academy.membership": ALL,
    "academy.user": ("add", "change", "view"),
    "account.emailaddress": ("view",),
    "academy.invitation": ("view", "change"),
    "academy.participation": ALL,
    "academy.storedfile": ("view",),
    "applications.application": ("change", "view"),
    "applications.proposedmember": ("view",),
    "applications.applicationversion": ("view",),
    "applications.statechange": ("view",),
    "applications.reviewcriterion": ALL,
    "applications.review": ALL,
    "applications.score": ALL,
    "applications.internalnote": ("add", "view"),
    "applications.interviewslot": ALL,
    "applications.interview": ("add", "change", "view"),
    "notifications.outgoingemail": ("change", "view"),
    "notifications.emailtemplate": ALL,
    "notifications.reminderoffset": ALL,
    "assignments.assignment": ALL,
    "assignments.template": ALL,
    "assignments.submission": ("view", "add", "change"),
    "assignments.submittedfile": ("view",),
    "assignments.feedback": ("view", "add", "change"),
    "workshops.session": ALL,
    "workshops.material": ALL,
    "workshops.attendance": ALL,
    "workshops.recordingrequest": ("view", "delete"),
    "plans.factorset": ALL,
    "plans.emissionfactor": ALL,
    "plans.procurementcategory": ALL,
    "plans.categoryfactor": ALL,
    "plans.actionplan": ("view",),
    "plans.categoryspend": ("view",),
    "plans.suggestedmeasure": ALL,
    "plans.reductionmeasure": ("view",),
    "plans.pilotprocurement": ("view",),
    "plans.pilotmilestone": ("view",),
    "plans.ledgerimport": ("view",),
    "plans.accountmapping": ("view",),
    "plans.categoryplan": ("view",),
    "plans.operatingmodel": ("view",),
    "plans.actionitem": ("view",),
    "plans.plancomment": ("add", "view"),
    "plans.planchange": ("view",),
    "plans.plansubmission": ("view", "reopen"),
    "plans.priceindex": ALL,
    "plans.cohortfactorset": ALL,
}


def restore_programme_staff(sender, using: str = "default", **kwargs) -> None:
    """After migrate or flush: a missing group is made again; an existing one is left alone.

    Runs once every app's permissions exist, on the signal for the last app.
    """
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender.label != with_models[-1].label:
        return
    if Group.objects.using(using).filter(name=PROGRAMME_STAFF).exists():
        return
    group = Group.objects.using(using).create(name=PROGRAMME_STAFF)
    wanted = Q(pk__in=[])
    for key, actions in PERMISSIONS.items():
        app_label, model = key.split(".")
        wanted |= Q(
            content_type__app_label=app_label,
            codename__in=[f"{action}_{model}" for action in actions],
        )
    group.permissions.add(*Permission.objects.using(using).filter(wanted))
