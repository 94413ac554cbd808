"""Who may see and do what: the predicates and the permissions built from them.

Every question of access is one permission, asked the same way everywhere:
``user.has_perm("academy.view_workspace", participation)`` in a view,
``{% has_perm "academy.view_workspace" user participation as can %}`` in a
template (``{% load rules %}``), and through ``academy.access`` for the
lookups that turn a refusal into a 404. Each app adds the permissions of its
own objects in its ``rules.py`` from these predicates.

- ``is_programme_staff``: staff who follow the participants' work. Staff status
  alone (an interviewer, say) is not it: the *Programme staff* group's right to
  view participations is.
- ``is_member_of``: on the team of the organisation the object belongs to (an
  ``Organisation``, or anything with an ``organisation_id``: a participation, a
  submission, an attendance).

Another organisation's pages and files are not found (404), never forbidden: a
403 would confirm that they exist.

In the admin, a rule named after one of Django's model permissions narrows that
permission on each object (``add_object_rule``): ``applications.change_review``
is the model permission, and on a review also being its reviewer or a superuser.
The admin asks such rules itself (``academy.admin_access.ObjectRulesMixin``).
"""

import rules

from .models import Membership, Organisation, Participation

# What workspace permissions are asked of: an organisation's participation in a cohort.
WORKSPACE_OBJECTS = (Participation,)


@rules.predicate
def is_programme_staff(user) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("academy.view_participation")
    )


def team_ids(user) -> frozenset[int]:
    """The organisations on whose team the user is, read once per user object (so once
    per request), as Django keeps a user's model permissions. Code that changes a
    person's teams forgets it (``forget_teams``); work outside a request fetches the
    user again."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if not hasattr(user, "_team_ids"):
        user._team_ids = frozenset(
            Membership.objects.filter(user=user).values_list("organisation_id", flat=True)
        )
    return user._team_ids


def forget_teams(user) -> None:
    user.__dict__.pop("_team_ids", None)


def organisation_id_of(obj) -> int | None:
    """The organisation a workspace object belongs to. Only the kinds of object a
    workspace is made of are asked about; anything else is a mistake in the caller
    (a membership or an invitation would make any member a contact person)."""
    if obj is None:
        return None
    if isinstance(obj, Organisation):
        return obj.pk
    if isinstance(obj, WORKSPACE_OBJECTS):
        return obj.organisation_id
    raise TypeError(f"Workspace permissions are not asked of a {type(obj).__name__}.")


@rules.predicate
def is_member_of(user, obj) -> bool:
    organisation_id = organisation_id_of(obj)
    return organisation_id is not None and organisation_id in team_ids(user)


def model_permission(name: str) -> rules.Predicate:
    """Django's own permission ``name``, from the user's groups or their own (a superuser has
    every one), read without the rules so that a rule of the same name may build on it."""

    @rules.predicate(name=f"model_permission:{name}")
    def granted(user) -> bool:
        return name in user.get_all_permissions()

    return granted


@rules.predicate
def no_object(user, obj) -> bool:
    """Asked of a kind of record rather than one of them: the admin's list and add pages."""
    return obj is None


def add_object_rule(name: str, on_object: rules.Predicate) -> None:
    """The model permission ``name``, and on an object only where ``on_object`` holds too.

    Without an object the rule is the model permission itself, so ``has_perm(name)``
    answers as before there was a rule. With one, the rule alone answers: Django's
    ModelBackend grants no permission on an object.
    """
    rules.add_perm(name, model_permission(name) & (no_object | on_object))


@rules.predicate
def is_self(user, account) -> bool:
    return account.pk == user.pk


@rules.predicate
def is_administrator(user, account) -> bool:
    return account.is_staff or account.is_superuser


# A workspace and everything in it: its team sees and acts; programme staff look.
rules.add_perm("academy.view_workspace", is_member_of | is_programme_staff)
rules.add_perm("academy.change_workspace", is_member_of)

# Changing another administrator's e-mail, password or active flag would take over
# their account: only a superuser may do that.
add_object_rule("academy.change_user", rules.is_superuser | is_self | ~is_administrator)
