"""Who may do what with a plan, besides seeing and changing its workspace (academy.rules)."""

import rules

from academy.rules import is_member_of, is_programme_staff


@rules.predicate
def may_comment_for_staff(user) -> bool:
    return user.has_perm("plans.add_plancomment")


# Its team comments and replies; programme staff with the right to comment write to the team.
rules.add_perm("plans.comment_on_plan", is_member_of | (is_programme_staff & may_comment_for_staff))
