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
"""

import rules

from .models import Membership, Organisation


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
    per request), as Django keeps a user's model permissions."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_team_ids"):
        user._team_ids = frozenset(
            Membership.objects.filter(user=user).values_list("organisation_id", flat=True)
        )
    return user._team_ids


def organisation_id_of(obj) -> int | None:
    if isinstance(obj, Organisation):
        return obj.pk
    return getattr(obj, "organisation_id", None)


@rules.predicate
def is_member_of(user, obj) -> bool:
    organisation_id = organisation_id_of(obj)
    return organisation_id is not None and organisation_id in team_ids(user)


# A workspace and everything in it: its team sees and acts; programme staff look.
rules.add_perm("academy.view_workspace", is_member_of | is_programme_staff)
rules.add_perm("academy.change_workspace", is_member_of)
