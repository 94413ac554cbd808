"""The application window's object rules (applications/rules.py), asked directly and through
the admin: reviews, scored criteria, booked slots and interviews.

Five people: two reviewers of the programme staff, staff with only the model
permissions, staff with none, and a superuser.
"""

import datetime as dt

import pytest
import rules
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import RequestFactory

from academy.tests.factories import UserFactory
from academy.tests.programme import staff_user
from applications import interviews, services
from applications.models import Interview, InterviewSlot, Review, ReviewCriterion, Score

from .factories import DURING_CALL, ApplicationFactory

pytestmark = pytest.mark.django_db

MODEL_PERMISSIONS = [
    "change_review",
    "delete_review",
    "delete_reviewcriterion",
    "delete_interviewslot",
    "delete_interview",
]


@pytest.fixture
def reviewer(db):
    return staff_user("arvioija@example.fi")


@pytest.fixture
def other_reviewer(db):
    return staff_user("toinen@example.fi")


@pytest.fixture
def model_only(db):
    """Staff given the model permissions themselves, outside the programme staff group."""
    person = UserFactory(email="oikeudet@example.fi", is_staff=True)
    person.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="applications").filter(
            codename__in=MODEL_PERMISSIONS
        )
    )
    return person


@pytest.fixture
def unpermitted(db):
    """Staff status and no permissions: an interviewer, say."""
    return UserFactory(email="haastattelija@example.fi", is_staff=True)


@pytest.fixture
def superuser(db):
    return UserFactory(email="paakayttaja@example.fi", is_staff=True, is_superuser=True)


@pytest.fixture
def application(cohort):
    application = ApplicationFactory(cohort=cohort)
    return services.submit_application(application, by=application.applicant, now=DURING_CALL)


@pytest.fixture
def review(application, reviewer):
    return Review.objects.create(application=application, reviewer=reviewer)


def admin_allows(user, action: str, obj=None, model=None) -> bool:
    request = RequestFactory().get("/")
    request.user = user
    model_admin = admin.site._registry[model or type(obj)]
    return getattr(model_admin, f"has_{action}_permission")(request, obj)


def fresh(user):
    """The user as the next request loads them: Django keeps permissions per user object."""
    return type(user).objects.get(pk=user.pk)


@pytest.mark.parametrize("action", ["change", "delete"])
@pytest.mark.parametrize(
    ("who", "may"),
    [
        ("reviewer", True),
        ("other_reviewer", False),
        ("model_only", False),
        ("unpermitted", False),
        ("superuser", True),
    ],
)
def test_a_review_is_changed_and_deleted_by_its_reviewer_or_a_superuser(
    request, review, action, who, may
):
    user = request.getfixturevalue(who)
    assert admin_allows(user, action, review) is may
    assert rules.has_perm(f"applications.{action}_review", user, review) is may
    assert user.has_perm(f"applications.{action}_review", review) is may


@pytest.mark.parametrize("action", ["change", "delete"])
@pytest.mark.parametrize(
    ("who", "may"),
    [
        ("reviewer", True),
        ("model_only", True),
        ("unpermitted", False),
        ("superuser", True),
    ],
)
def test_reviewers_own_reviews_and_the_list_follow_the_model_permission(
    request, application, action, who, may
):
    user = request.getfixturevalue(who)
    own = Review.objects.create(application=application, reviewer=user)
    assert admin_allows(user, action, own) is may
    assert admin_allows(user, action, model=Review) is may
    # Without an object the permission is the model permission, asked either way.
    assert user.has_perm(f"applications.{action}_review") is may
    assert rules.has_perm(f"applications.{action}_review", user) is may


def test_a_reviewer_without_the_model_permission_cannot_change_their_own_review(
    application, reviewer
):
    own = Review.objects.create(application=application, reviewer=reviewer)
    reviewer.groups.clear()
    reviewer = fresh(reviewer)
    assert not admin_allows(reviewer, "change", own)
    assert not rules.has_perm("applications.change_review", reviewer, own)


@pytest.mark.parametrize(
    ("who", "may_when_unscored"),
    [("reviewer", True), ("model_only", True), ("unpermitted", False), ("superuser", True)],
)
def test_a_criterion_is_deleted_only_while_nobody_has_scored_it(
    request, review, who, may_when_unscored
):
    user = request.getfixturevalue(who)
    criterion = review.application.cohort.review_criteria.first()
    assert admin_allows(user, "delete", criterion) is may_when_unscored
    assert admin_allows(user, "delete", model=ReviewCriterion) is may_when_unscored
    assert rules.has_perm("applications.delete_reviewcriterion", user, criterion) is (
        may_when_unscored
    )
    Score.objects.create(review=review, criterion=criterion, value=3)
    assert not admin_allows(user, "delete", criterion), "not even a superuser"
    assert not rules.has_perm("applications.delete_reviewcriterion", user, criterion)
    assert admin_allows(user, "delete", model=ReviewCriterion) is may_when_unscored


@pytest.mark.parametrize("who", ["reviewer", "superuser"])
def test_a_scored_criterion_is_still_changed(request, review, who):
    user = request.getfixturevalue(who)
    criterion = review.application.cohort.review_criteria.first()
    Score.objects.create(review=review, criterion=criterion, value=3)
    assert admin_allows(user, "change", criterion)
    assert not rules.perm_exists("applications.change_reviewcriterion")


@pytest.fixture
def slot(cohort):
    return InterviewSlot.objects.create(
        cohort=cohort,
        starts_at=dt.datetime(2022, 2, 7, 9, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2022, 2, 7, 9, 45, tzinfo=dt.UTC),
    )


@pytest.mark.parametrize(
    ("who", "may_when_free"),
    [("reviewer", True), ("model_only", True), ("unpermitted", False), ("superuser", True)],
)
def test_a_slot_is_deleted_only_while_nobody_has_ever_booked_it(
    request, application, slot, who, may_when_free
):
    user = request.getfixturevalue(who)
    assert admin_allows(user, "delete", slot) is may_when_free
    assert rules.has_perm("applications.delete_interviewslot", user, slot) is may_when_free
    booked = interviews.book_interview(slot, application, by=application.applicant, now=DURING_CALL)
    interviews.cancel_interview(booked, by=application.applicant, now=DURING_CALL)
    assert not admin_allows(user, "delete", slot), "a cancelled booking keeps its slot as history"
    assert not rules.has_perm("applications.delete_interviewslot", user, slot)
    assert admin_allows(user, "delete", model=InterviewSlot) is may_when_free


@pytest.mark.parametrize("who", ["reviewer", "model_only", "unpermitted", "superuser"])
def test_an_interview_is_cancelled_never_deleted(request, application, slot, who):
    user = request.getfixturevalue(who)
    interview = interviews.book_interview(
        slot, application, by=application.applicant, now=DURING_CALL
    )
    assert not admin_allows(user, "delete", interview)
    assert not admin_allows(user, "delete", model=Interview)
    assert not rules.has_perm("applications.delete_interview", user, interview)
    assert not rules.has_perm("applications.delete_interview", user)


def test_a_rule_on_an_object_answers_for_a_superuser_too(review, superuser, reviewer):
    """has_perm on an object is the rule's answer alone, as the admin's: a scored criterion
    is kept from a superuser as from anyone."""
    criterion = review.application.cohort.review_criteria.first()
    Score.objects.create(review=review, criterion=criterion, value=3)
    assert not superuser.has_perm("applications.delete_reviewcriterion", criterion)
    assert not admin_allows(superuser, "delete", criterion)
    assert not reviewer.has_perm("applications.delete_reviewcriterion", criterion)
    # Without an object, a superuser has every permission, as Django says.
    assert superuser.has_perm("applications.delete_reviewcriterion")
