"""What every admin page of ours lets staff add, change and delete, the whole site at once.

The admin refuses some actions whatever the user's permissions (a record the
participant pages write, an append-only one); everything else follows Django's
model permissions. A superuser shows the refusals; programme staff show that the
rest is their group's permissions, no more and no less.
"""

import pytest
from django.contrib import admin
from django.contrib.admin.options import BaseModelAdmin, InlineModelAdmin
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from academy.tests.factories import UserFactory
from academy.tests.programme import staff_user

pytestmark = pytest.mark.django_db

OURS = {"academy", "notifications", "applications", "assignments", "workshops", "plans"}
ACTIONS = ("add", "change", "delete")

# Every refusal of the admin that holds for a superuser too, without an object.
REFUSED = {
    "InvitationAdmin": {"add"},
    "ApplicationAdmin": {"add"},
    "ProposedMemberInline": {"add", "change"},
    "ReviewInline": {"add", "change"},
    "InternalNoteInline": {"change"},
    "StateChangeInline": {"add", "change"},
    "VersionInline": {"add", "change"},
    "ApplicationVersionAdmin": {"add", "change", "delete"},
    "InterviewAdmin": {"delete"},
    "SubmittedFileInline": {"add"},
    "FeedbackInline": {"add"},
    "OutgoingEmailAdmin": {"add", "delete"},
    "PlanSubmissionInline": {"add", "change"},
    "ActionItemAdmin": {"add", "change"},
    "CategoryPlanAdmin": {"add", "change"},
    "CategorySpendAdmin": {"add", "change"},
    "OperatingModelAdmin": {"add", "change"},
    "PlanChangeAdmin": {"add", "change"},
    "PlanCommentAdmin": {"add", "change"},
    "PlanSubmissionAdmin": {"add", "change"},
    "ReductionMeasureAdmin": {"add", "change"},
    "AttendanceAdmin": {"add"},
    "RecordingRequestAdmin": {"add"},
    "AttendanceInline": {"add"},
    "AuditRecordAdmin": {"add", "change", "delete"},
    "ErasureRequestAdmin": {"add", "delete"},
}


def our_admins() -> list[BaseModelAdmin]:
    """Every registered admin of our apps, and every inline on its pages."""
    found: list[BaseModelAdmin] = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in OURS:
            continue
        found.append(model_admin)
        found += [inline(model, admin.site) for inline in model_admin.inlines]
    return found


def allowed(model_admin: BaseModelAdmin, action: str, user) -> bool:
    request = RequestFactory().get("/")
    request.user = user
    check = getattr(model_admin, f"has_{action}_permission")
    if action == "add" and isinstance(model_admin, InlineModelAdmin):
        return check(request, None)
    return check(request)


def refused(model_admin: BaseModelAdmin, user) -> set[str]:
    return {action for action in ACTIONS if not allowed(model_admin, action, user)}


def test_the_table_names_only_admins_that_exist():
    assert set(REFUSED) <= {type(model_admin).__name__ for model_admin in our_admins()}


@pytest.mark.parametrize("model_admin", our_admins(), ids=lambda a: type(a).__name__)
def test_a_superuser_is_refused_only_what_the_admin_refuses_everyone(model_admin):
    superuser = UserFactory(email="paakayttaja@example.fi", is_staff=True, is_superuser=True)
    assert refused(model_admin, superuser) == REFUSED.get(type(model_admin).__name__, set())


@pytest.mark.parametrize("model_admin", our_admins(), ids=lambda a: type(a).__name__)
def test_programme_staff_have_their_model_permissions_less_the_refusals(model_admin):
    staff = staff_user()
    opts = model_admin.opts
    expected = {
        action
        for action in ACTIONS
        if action in REFUSED.get(type(model_admin).__name__, set())
        or not staff.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")
    }
    assert refused(model_admin, staff) == expected
    may_look = staff.has_perm(f"{opts.app_label}.view_{opts.model_name}") or staff.has_perm(
        f"{opts.app_label}.change_{opts.model_name}"
    )
    request = RequestFactory().get("/")
    request.user = staff
    assert model_admin.has_view_permission(request) == may_look


@pytest.mark.parametrize("model_admin", our_admins(), ids=lambda a: type(a).__name__)
def test_staff_without_permissions_and_visitors_have_nothing(model_admin):
    for user in (UserFactory(email="henkilo@example.fi", is_staff=True), AnonymousUser()):
        assert refused(model_admin, user) == set(ACTIONS)
