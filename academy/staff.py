"""The staff groups ("Programme staff", "Interviewers") and their permissions, kept in one
place for the data migrations."""

from django.apps.registry import Apps
from django.contrib.auth.management import create_permissions

PROGRAMME_STAFF = "Programme staff"
INTERVIEWERS = "Interviewers"

ALL = ("add", "change", "delete", "view")


def grant_to_programme_staff(apps: Apps, permissions: dict[str, tuple[str, ...]]) -> None:
    grant(apps, PROGRAMME_STAFF, permissions)


def grant(apps: Apps, group_name: str, permissions: dict[str, tuple[str, ...]]) -> None:
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
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=group_name)
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
    "academy.erasurerequest": ("view", "change"),
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

# Interviewers read the applications they interview, score them (their own reviews
# only, by applications.rules) and add notes; they see the slots and interviews.
INTERVIEWER_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "applications.application": ("view",),
    "applications.proposedmember": ("view",),
    "applications.applicationversion": ("view",),
    "applications.statechange": ("view",),
    "applications.reviewcriterion": ("view",),
    "applications.review": ("add", "change", "view"),
    "applications.score": ("add", "change", "view"),
    "applications.internalnote": ("add", "view"),
    "applications.interviewslot": ("view",),
    "applications.interview": ("view",),
}

GROUPS = {PROGRAMME_STAFF: PERMISSIONS, INTERVIEWERS: INTERVIEWER_PERMISSIONS}


def restore_programme_staff(sender, using: str = "default", **kwargs) -> None:
    """After migrate or flush: a missing staff group is made again; an existing one is left
    alone.

    Runs once every app's permissions exist, on the signal for the last app.
    """
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender.label != with_models[-1].label:
        return
    for name, permissions in GROUPS.items():
        if Group.objects.using(using).filter(name=name).exists():
            continue
        group = Group.objects.using(using).create(name=name)
        wanted = Q(pk__in=[])
        for key, actions in permissions.items():
            app_label, model = key.split(".")
            wanted |= Q(
                content_type__app_label=app_label,
                codename__in=[f"{action}_{model}" for action in actions],
            )
        group.permissions.add(*Permission.objects.using(using).filter(wanted))


# Giving and taking the staff roles (the admin's actions for those with
# academy.manage_staff, who need not be superusers).


class StaffChangeRefused(Exception):
    pass


def _refuse_for(person, by) -> None:
    from django.utils.translation import gettext as _

    if person.is_superuser:
        raise StaffChangeRefused(_("a superuser's rights are changed by a superuser."))
    if person.pk == by.pk:
        raise StaffChangeRefused(_("you cannot change your own rights."))
    if (
        person.user_permissions.exists()
        or person.groups.exclude(name__in=GROUPS).exists()
        or person.has_perm("academy.manage_staff")
    ):
        raise StaffChangeRefused(
            _("this person has rights of their own; a superuser changes them.")
        )


def give_role(person, group_name: str, *, by) -> str:
    """Make ``person`` staff in the group; they set up a second factor on their next visit."""
    from django.contrib.auth.models import Group

    _refuse_for(person, by)
    if not person.is_active:
        from django.utils.translation import gettext as _

        raise StaffChangeRefused(_("the account is not active."))
    person.groups.add(Group.objects.get(name=group_name))
    if not person.is_staff:
        person.is_staff = True
        person.save(update_fields=["is_staff"])
    return f"Added to {group_name}; staff status on."


def remove_roles(person, *, by) -> str:
    """Take the staff groups away, staff status with them, and end the person's sessions."""
    from allauth.usersessions.models import UserSession
    from django.contrib.auth.models import Group

    _refuse_for(person, by)
    person.groups.remove(*Group.objects.filter(name__in=GROUPS))
    if person.is_staff and not person.groups.exists():
        person.is_staff = False
        person.save(update_fields=["is_staff"])
    for session in UserSession.objects.filter(user=person):
        session.end()
    return "Removed from the staff groups; staff status off; sessions ended."
