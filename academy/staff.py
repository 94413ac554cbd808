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
        app_config.models_module = True
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
