"""Who may change and delete what in the review and interviews (see academy.rules).

Each rule narrows Django's model permission of the same name on an object; the
admin asks them (``academy.admin_access.ObjectRulesMixin``).
"""

import rules

from academy.rules import add_object_rule


@rules.predicate
def is_own_review(user, review) -> bool:
    return review.reviewer_id == user.pk


@rules.predicate
def is_unscored(user, criterion) -> bool:
    return not criterion.scores.exists()


@rules.predicate
def was_never_booked(user, slot) -> bool:
    return not slot.interviews.exists()


# Each reviewer changes and deletes their own review; others' reviews are only seen.
add_object_rule("applications.change_review", rules.is_superuser | is_own_review)
add_object_rule("applications.delete_review", rules.is_superuser | is_own_review)

# A criterion someone has scored stays, with its scores.
add_object_rule("applications.delete_reviewcriterion", is_unscored)

# A slot anyone has booked stays, a cancelled booking too, as history.
add_object_rule("applications.delete_interviewslot", was_never_booked)

# An interview is cancelled (which tells the calendars), never deleted, by anyone.
rules.add_perm("applications.delete_interview", rules.always_deny)
