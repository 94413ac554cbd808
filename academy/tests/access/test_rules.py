"""The access rules, asked directly: who has which permission on which object."""

import ast
import re
from pathlib import Path

import pytest
import rules
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser, Permission
from django.test import RequestFactory
from django.utils import timezone

from academy.models import Invitation, Membership, User
from academy.rules import is_member_of, is_programme_staff
from academy.tests.factories import UserFactory
from plans.services.collaboration import writes_as
from programme import team
from workshops.models import Session

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def interviewer(db):
    """Staff status without the programme staff group: an interviewer, say."""
    return UserFactory(email="haastattelija@example.fi", is_staff=True)


def test_the_team_sees_and_changes_its_workspace(contact, ours, theirs):
    assert contact.has_perm("academy.view_workspace", ours)
    assert contact.has_perm("academy.change_workspace", ours)
    assert contact.has_perm("academy.change_workspace", ours.organisation)
    assert not contact.has_perm("academy.view_workspace", theirs)
    assert not contact.has_perm("academy.change_workspace", theirs)


def test_programme_staff_look_but_do_not_act(staff, ours):
    assert is_programme_staff(staff)
    assert staff.has_perm("academy.view_workspace", ours)
    assert not staff.has_perm("academy.change_workspace", ours)


@pytest.mark.parametrize("who", ["interviewer", "nobody", "outsider"])
def test_others_have_nothing(request, who, ours):
    user = request.getfixturevalue(who)
    assert not user.has_perm("academy.view_workspace", ours)
    assert not user.has_perm("academy.change_workspace", ours)
    assert not user.has_perm("plans.comment_on_plan", ours)


@pytest.mark.parametrize("is_staff", [True, False])
def test_a_superuser_is_on_no_team_by_being_one(ours, is_staff):
    superuser = UserFactory(email="paa@example.fi", is_staff=is_staff, is_superuser=True)
    assert not superuser.has_perm("academy.change_workspace", ours)
    # Staff status with every model permission makes programme staff: they look.
    assert superuser.has_perm("academy.view_workspace", ours) == is_staff
    assert writes_as(superuser, ours) == ("staff" if is_staff else None)


def test_an_inactive_member_has_nothing(contact, ours):
    contact.is_active = False
    contact.save()
    assert not contact.has_perm("academy.view_workspace", ours)
    assert not rules.has_perm("academy.change_workspace", contact, ours)


def test_leaving_a_team_is_seen_by_the_same_user_object(contact, ours, nobody):
    assert contact.has_perm("academy.change_workspace", ours)
    team.remove(contact.memberships.get(), by=nobody)
    assert not contact.has_perm("academy.change_workspace", ours)


def test_joining_a_team_is_seen_by_the_same_user_object(contact, theirs, outsider):
    assert not contact.has_perm("academy.view_workspace", theirs)
    invitation = team.invite(
        theirs.organisation,
        contact.email,
        "procurement_specialist",
        by=outsider,
        now=timezone.now(),
    )
    team.accept(invitation, contact, now=timezone.now())
    assert contact.has_perm("academy.view_workspace", theirs)


@pytest.mark.parametrize("kind", ["membership", "invitation", "session"])
def test_workspace_permissions_are_not_asked_of_other_objects(contact, ours, kind):
    """A membership or an invitation has an organisation too: asking of it would make
    any member a contact person."""
    objects = {
        "membership": lambda: Membership.objects.get(user=contact),
        "invitation": lambda: Invitation(organisation=ours.organisation, email="x@example.fi"),
        "session": lambda: Session(cohort=ours.cohort, organisation=ours.organisation),
    }
    with pytest.raises(TypeError):
        contact.has_perm("academy.change_workspace", objects[kind]())


def test_an_anonymous_visitor_has_nothing_and_costs_no_query(ours, django_assert_num_queries):
    anonymous = AnonymousUser()
    with django_assert_num_queries(0):
        assert not anonymous.has_perm("academy.view_workspace", ours)
        assert not anonymous.has_perm("programme.download_file", None)


def test_staff_comment_on_a_plan_only_with_the_right_to(staff, ours, contact):
    assert contact.has_perm("plans.comment_on_plan", ours)
    assert staff.has_perm("plans.comment_on_plan", ours)
    group = staff.groups.get()
    group.permissions.remove(Permission.objects.get(codename="add_plancomment"))
    fresh = type(staff).objects.get(pk=staff.pk)  # Django keeps permissions per user object
    assert not fresh.has_perm("plans.comment_on_plan", ours)


def test_the_teams_are_read_once_per_user_object(contact, ours, theirs, django_assert_num_queries):
    with django_assert_num_queries(1):
        for _ in range(3):
            assert is_member_of(contact, ours)
            assert not is_member_of(contact, theirs)
    Membership.objects.filter(user=contact).delete()
    assert is_member_of(contact, ours), "the same request keeps what it read"
    assert not is_member_of(type(contact).objects.get(pk=contact.pk), ours)


def permissions_asked_for() -> set[str]:
    """Every permission name the code asks for with has_perm or require_perm."""
    names = set()
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(
                node.func, "attr", getattr(node.func, "id", None)
            ) in {
                "has_perm",
                "require_perm",
            }:
                names.update(
                    arg.value
                    for arg in node.args
                    if isinstance(arg, ast.Constant)
                    and isinstance(arg.value, str)
                    and "." in arg.value
                )
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        names.update(re.findall(r'{%\s*has_perm\s+"([^"]+)"', text))
        names.update(re.findall(r"\bperms\.(\w+\.\w+)", text))
    return names


def test_every_permission_asked_for_exists():
    """A misspelt name would deny everyone without a word: each object permission asked
    for is a rule, or else one of Django's model permissions."""
    asked = permissions_asked_for()
    assert {
        "academy.view_workspace",
        "academy.change_workspace",
        "programme.download_file",
    } <= asked
    model_permissions = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.select_related("content_type")
    }
    unknown = {name for name in asked if not rules.perm_exists(name)} - model_permissions
    assert unknown == set()


@pytest.fixture
def superuser(db):
    return UserFactory(email="paakayttaja@example.fi", is_staff=True, is_superuser=True)


@pytest.fixture
def user_manager(db):
    """Staff given the right to change people themselves, outside the programme staff group."""
    person = UserFactory(email="kayttajat@example.fi", is_staff=True)
    person.user_permissions.add(Permission.objects.get(codename="change_user"))
    return person


def account(name: str, asking):
    if name == "own":
        return asking
    return UserFactory(
        email=f"{name.replace(' ', '.')}@example.fi",
        is_staff=name != "participant",
        is_superuser=name == "superuser account",
    )


def user_admin_allows_change(user, obj) -> bool:
    request = RequestFactory().get("/")
    request.user = user
    return admin.site._registry[User].has_change_permission(request, obj)


@pytest.mark.parametrize(
    ("who", "changes"),
    [
        ("staff", {"own", "participant"}),
        ("user_manager", {"own", "participant"}),
        ("interviewer", set()),
        ("superuser", {"own", "participant", "other staff", "superuser account"}),
    ],
)
@pytest.mark.parametrize("name", ["own", "participant", "other staff", "superuser account"])
def test_only_a_superuser_changes_another_administrators_account(request, who, changes, name):
    """Changing an administrator's e-mail, password or active flag would take over the account."""
    user = request.getfixturevalue(who)
    target = account(name, user)
    assert user_admin_allows_change(user, target) is (name in changes)
    assert rules.has_perm("academy.change_user", user, target) is (name in changes)


@pytest.mark.parametrize(
    ("who", "may"),
    [("staff", True), ("user_manager", True), ("interviewer", False), ("superuser", True)],
)
def test_the_list_of_people_follows_the_model_permission(request, who, may):
    user = request.getfixturevalue(who)
    assert user_admin_allows_change(user, None) is may
    assert user.has_perm("academy.change_user") is may
    assert rules.has_perm("academy.change_user", user) is may


def test_the_rules_the_admin_asks_name_model_permissions():
    """The admin asks a rule in place of the model permission of the same name: a
    misspelt rule would leave the admin on Django's permission without a word."""
    model_permissions = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.select_related("content_type")
    }
    built_on_one = {
        name
        for name, predicate in rules.permissions.permissions.items()
        if f"model_permission:{name}" in predicate.name
    }
    assert {
        "academy.change_user",
        "applications.change_review",
        "applications.delete_review",
        "applications.delete_reviewcriterion",
        "applications.delete_interviewslot",
    } <= built_on_one
    assert built_on_one <= model_permissions
    assert rules.perm_exists("applications.delete_interview")
    assert "applications.delete_interview" in model_permissions
