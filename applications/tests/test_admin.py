"""Staff review in the admin: the list, the detail page, scores, notes, extensions and exports."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from academy.models import HELSINKI
from academy.tests.factories import UserFactory
from applications import services
from applications.admin import with_scores
from applications.models import Application, InternalNote, Review, Score
from notifications.models import OutgoingEmail

from .conftest import posted_form
from .factories import DURING_CALL, ApplicationFactory

pytestmark = pytest.mark.django_db

ADMIN = "/en/admin/applications/"
SCRIPT = "<script>alert(1)</script>"
FORMULAS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)"]


def staff_user(email="arvioija@example.fi"):
    user = UserFactory(email=email, is_staff=True)
    user.groups.add(Group.objects.get(name="Programme staff"))
    return user


@pytest.fixture
def reviewer():
    return staff_user()


@pytest.fixture
def staff_client(client, reviewer):
    client.force_login(reviewer)
    return client


def submitted(cohort, **kwargs):
    application = ApplicationFactory(cohort=cohort, **kwargs)
    return services.submit_application(application, by=application.applicant, now=DURING_CALL)


def score(application, reviewer, values: dict[str, int], conflict=False):
    review = Review.objects.create(
        application=application, reviewer=reviewer, conflict_of_interest=conflict
    )
    for criterion in application.cohort.review_criteria.all():
        if criterion.name in values:
            Score.objects.create(review=review, criterion=criterion, value=values[criterion.name])
    return review


def test_a_new_cohort_has_weighted_default_criteria(cohort):
    assert list(cohort.review_criteria.values_list("name", "weight")) == [
        ("Sitoutuminen", Decimal("2.00")),
        ("Tiimi", Decimal("1.50")),
        ("Hankintojen volyymi", Decimal("1.00")),
        ("Valmius pilottihankintaan", Decimal("1.50")),
    ]


def test_the_weighted_mean_counts_every_score_except_declared_conflicts(cohort, reviewer):
    application = submitted(cohort)
    # Reviewer 1: 5, 3, 1, 4 with weights 2, 1.5, 1, 1.5 → (10 + 4.5 + 1 + 6) / 6 = 3.583…
    score(
        application,
        reviewer,
        {"Sitoutuminen": 5, "Tiimi": 3, "Hankintojen volyymi": 1, "Valmius pilottihankintaan": 4},
    )
    # Reviewer 2 scores only commitment: 2 → pooled (21.5 + 4) / (6 + 2) = 3.1875
    score(application, staff_user("toinen@example.fi"), {"Sitoutuminen": 2})
    # Reviewer 3 declared a conflict: not counted at all.
    score(application, staff_user("jaavi@example.fi"), {"Sitoutuminen": 5}, conflict=True)
    annotated = with_scores(Application.objects.filter(pk=application.pk)).get()
    assert annotated.score == pytest.approx(Decimal("3.1875"), abs=Decimal("0.0001"))


def test_the_list_shows_scores_and_filters_and_searches(staff_client, cohort, reviewer):
    scored = submitted(cohort, organisation_name="Pisteytetty kunta", business_id="0201256-6")
    score(scored, reviewer, {"Sitoutuminen": 4})
    ApplicationFactory(cohort=cohort, organisation_name="Luonnoskunta", organisation_kind="parish")
    html = staff_client.get(f"{ADMIN}application/").content.decode()
    assert "Pisteytetty kunta" in html
    assert "4.00" in html  # the English admin; the Finnish one writes 4,00
    assert "Luonnoskunta" in html
    assert "4,00" in staff_client.get("/admin/applications/application/").content.decode()
    html = staff_client.get(f"{ADMIN}application/?state__exact=submitted").content.decode()
    assert "Pisteytetty kunta" in html
    assert "Luonnoskunta" not in html
    html = staff_client.get(f"{ADMIN}application/?organisation_kind__exact=parish").content.decode()
    assert "Luonnoskunta" in html
    assert "Pisteytetty kunta" not in html
    html = staff_client.get(f"{ADMIN}application/?q=0201256-6").content.decode()
    assert "Pisteytetty kunta" in html
    assert "Luonnoskunta" not in html


def test_the_list_makes_the_same_queries_with_1_or_30_applications(staff_client, cohort, reviewer):
    counts = []
    for total in (1, 30):
        while Application.objects.count() < total:
            score(submitted(cohort), reviewer, {"Tiimi": 3})
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(f"{ADMIN}application/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_detail_page_shows_every_answer_escaped_with_the_histories(staff_client, cohort):
    application = submitted(cohort, organisation_name=SCRIPT, answers={"goals": SCRIPT})
    html = staff_client.get(f"{ADMIN}application/{application.pk}/change/").content.decode()
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Koulukeskuksen peruskorjaus" in html  # the pilot candidate
    assert "Maija Meikäläinen" in html  # the team
    assert "State history" in html
    assert "Versions of the answers" in html


def test_an_extension_needs_a_reason_and_a_later_time(staff_client, cohort):
    application = submitted(cohort)
    change = f"{ADMIN}application/{application.pk}/change/"
    base = posted_form(staff_client.get(change).content.decode())
    response = staff_client.post(
        change,
        {
            **base,
            "deadline_extended_to_0": "2022-02-14",
            "deadline_extended_to_1": "16:00:00",
        },
    )
    assert "Give the reason for the extension." in response.content.decode()
    response = staff_client.post(
        change,
        {
            **base,
            "deadline_extended_to_0": "2022-02-10",
            "deadline_extended_to_1": "16:00:00",
            "extension_reason": "Kokous",
        },
    )
    assert "must end after the cohort" in response.content.decode()
    response = staff_client.post(
        change,
        {
            **base,
            "deadline_extended_to_0": "2022-02-14",
            "deadline_extended_to_1": "16:00:00",
            "extension_reason": "Valtuuston kokous",
            "notes-0-text": "Soitettu hakijalle.",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.deadline == dt.datetime(2022, 2, 14, 16, 0, tzinfo=HELSINKI)
    note = InternalNote.objects.get()
    assert (note.text, note.author.email) == ("Soitettu hakijalle.", "arvioija@example.fi")
    (told,) = OutgoingEmail.objects.filter(purpose="application_deadline_changed")
    assert told.to == application.applicant.email
    assert "14.2.2022 klo 16.00 (Helsingin aikaa, UTC+2)" in told.body_text
    # Saving the page again with the same extension tells no one anything new.
    staff_client.post(change, posted_form(staff_client.get(change).content.decode()))
    assert OutgoingEmail.objects.filter(purpose="application_deadline_changed").count() == 1


def new_review(application, scores: list[tuple], address_application=None) -> tuple[str, dict]:
    """The add page's address and what it posts: (criterion, value, comment) per score row."""
    shown = address_application or application
    data = {
        "application": str(application.pk),
        "scores-TOTAL_FORMS": str(len(scores)),
        "scores-INITIAL_FORMS": "0",
        "scores-MIN_NUM_FORMS": "0",
        "scores-MAX_NUM_FORMS": "1000",
    }
    for index, (criterion, value, comment) in enumerate(scores):
        data[f"scores-{index}-criterion"] = str(criterion.pk)
        data[f"scores-{index}-value"] = str(value)
        data[f"scores-{index}-comment"] = comment
    return f"{ADMIN}review/add/?application={shown.pk}", data


def test_a_reviewer_scores_each_criterion_with_a_comment(staff_client, cohort, reviewer):
    application = submitted(cohort)
    criteria = list(cohort.review_criteria.all())
    add, data = new_review(
        application, [(c, index + 2, f"Perustelu {index}") for index, c in enumerate(criteria)]
    )
    assert staff_client.get(add).status_code == 200
    response = staff_client.post(add, data)
    assert response.status_code == 302
    review = Review.objects.get()
    assert review.reviewer == reviewer
    assert sorted(review.scores.values_list("value", flat=True)) == [2, 3, 4, 5]
    # Coming back to "score this application" opens the same review.
    assert staff_client.get(add)["Location"] == f"{ADMIN}review/{review.pk}/change/"


def test_a_score_outside_1_to_5_is_refused(staff_client, cohort):
    application = submitted(cohort)
    criterion = cohort.review_criteria.first()
    response = staff_client.post(*new_review(application, [(criterion, 6, "")]))
    assert response.status_code == 200
    assert Review.objects.count() == 0


def test_a_conflict_is_declared_with_a_note_and_without_scores(staff_client, cohort, reviewer):
    application = submitted(cohort)
    review = score(application, reviewer, {"Tiimi": 5})
    change = f"{ADMIN}review/{review.pk}/change/"
    data = posted_form(staff_client.get(change).content.decode())
    data["conflict_of_interest"] = "on"
    html = staff_client.post(change, data).content.decode()
    assert "Say briefly what the conflict of interest is." in html
    data["conflict_note"] = "Entinen työnantaja"
    html = staff_client.post(change, data).content.decode()
    assert "Declare a conflict of interest or give scores, not both" in html
    assert Score.objects.count() == 1
    data["scores-0-DELETE"] = "on"
    assert staff_client.post(change, data).status_code == 302
    review.refresh_from_db()
    assert review.conflict_of_interest
    assert Score.objects.count() == 0
    assert with_scores(Application.objects.filter(pk=application.pk)).get().score is None


def test_a_reviewer_cannot_change_another_reviewers_scores(staff_client, cohort):
    application = submitted(cohort)
    other = score(application, staff_user("toinen@example.fi"), {"Tiimi": 2})
    response = staff_client.post(
        f"{ADMIN}review/{other.pk}/change/", {"conflict_of_interest": "on"}
    )
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.conflict_of_interest is False


def test_a_reviewer_with_a_conflict_of_interest_does_not_see_the_others_scores(
    staff_client, cohort, reviewer
):
    conflicted = submitted(cohort, organisation_name="Jäävin kunta")
    open_one = submitted(cohort, organisation_name="Avoin kunta")
    score(conflicted, reviewer, {}, conflict=True)
    others = score(conflicted, staff_user("toinen@example.fi"), {"Tiimi": 5, "Sitoutuminen": 4})
    score(open_one, staff_user("kolmas@example.fi"), {"Tiimi": 3})

    listing = staff_client.get(f"{ADMIN}application/").content.decode()
    shown = re.findall(r'class="field-score_display">([^<]*)<', listing)
    assert sorted(shown) == ["3.00", "hidden: you declared a conflict of interest"]
    detail = staff_client.get(f"{ADMIN}application/{conflicted.pk}/change/").content.decode()
    assert "toinen@example.fi" not in detail
    reviews = staff_client.get(f"{ADMIN}review/").content.decode()
    assert "toinen@example.fi" not in reviews
    assert "kolmas@example.fi" in reviews
    response = staff_client.get(f"{ADMIN}review/{others.pk}/change/")
    assert response.status_code == 302  # "doesn't exist", as for any row one may not see
    # Everyone else still sees the scores.
    staff_client.force_login(staff_user("neljas@example.fi"))
    listing = staff_client.get(f"{ADMIN}application/").content.decode()
    shown = re.findall(r'class="field-score_display">([^<]*)<', listing)
    assert sorted(shown) == ["3.00", "4.43"]  # 15.5 / 3.5 = 4.428…, rounded


def export(staff_client, file_format: str) -> bytes:
    page = staff_client.get(f"{ADMIN}application/export/")
    form = page.context["form"]
    choice = next(value for value, label in form.fields["format"].choices if label == file_format)
    data = {"format": choice, "resource": "0"}
    data.update(
        {
            name: "on"
            for name, field in form.fields.items()
            if name not in data and field.__class__.__name__ == "BooleanField"
        }
    )
    response = staff_client.post(f"{ADMIN}application/export/", data)
    assert response.status_code == 200, response.content[:2000]
    return response.content


@pytest.fixture
def hostile(cohort, reviewer):
    answers = {"goals": FORMULAS[1], "motivation": FORMULAS[2], "region": FORMULAS[3]}
    application = submitted(
        cohort, organisation_name=FORMULAS[0], answers={**answers, "main_categories": SCRIPT}
    )
    score(application, reviewer, {"Sitoutuminen": 4})
    return application


def test_csv_export_has_every_answer_and_no_formulas(staff_client, hostile):
    content = export(staff_client, "csv")
    assert content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    (row,) = rows
    assert row["name of the organisation"] == "'" + FORMULAS[0]
    assert row["the organisation's goals for the programme"] == "'+1+1"
    assert row["why the organisation wants to take part"] == "'-2+3"
    assert row["municipality or region"] == "'@SUM(A1)"
    assert row["main procurement categories"] == SCRIPT
    assert row["state"] == "Submitted"
    assert row["weighted score"] == "4.00"
    assert row["annual procurement volume (€, VAT excluded)"] == "125000000"
    assert row["proposed team"] == (
        "Person responsible for procurement (e.g. procurement or finance manager): "
        "Maija Meikäläinen, Hankintapäällikkö, maija@example.fi\n"
        "Sustainability or responsibility specialist or manager: "
        "Ville Vastuullinen, Ympäristöasiantuntija, ville@example.fi"
    )
    assert row["privacy notice read and the team informed"] == "Yes"
    assert row["submitted (Helsinki time)"] == "2022-02-01 12:00:00"


def test_the_export_hides_the_score_of_an_application_the_reviewer_is_conflicted_on(
    staff_client, cohort, reviewer
):
    conflicted = submitted(cohort, organisation_name="Jäävin kunta")
    score(conflicted, reviewer, {}, conflict=True)
    score(conflicted, staff_user("toinen@example.fi"), {"Tiimi": 5})
    content = export(staff_client, "csv")
    (row,) = csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";")
    assert row["weighted score"] == "hidden: you declared a conflict of interest"
    staff_client.force_login(staff_user("kolmas@example.fi"))
    content = export(staff_client, "csv")
    (row,) = csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";")
    assert row["weighted score"] == "5.00"


def test_xlsx_export_keeps_formula_like_answers_as_text(staff_client, hostile):
    book = openpyxl.load_workbook(io.BytesIO(export(staff_client, "xlsx")))
    sheet = book.active
    assert sheet.title == "Applications"
    header = [cell.value for cell in sheet[1]]
    values = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert values["name of the organisation"] == "'" + FORMULAS[0]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert values["main procurement categories"] == SCRIPT


def test_staff_cannot_add_applications_in_the_admin(staff_client):
    assert staff_client.get(f"{ADMIN}application/add/").status_code == 403


def test_a_note_can_be_added_after_the_cohorts_close_moved_past_an_extension(staff_client, cohort):
    application = submitted(cohort)
    services.set_extension(
        application, dt.datetime(2022, 2, 14, 16, 0, tzinfo=HELSINKI), "Kokous", by=None
    )
    cohort.application_closes = dt.datetime(2022, 2, 20, 23, 59, 59, tzinfo=HELSINKI)
    cohort.save()
    change = f"{ADMIN}application/{application.pk}/change/"
    data = posted_form(staff_client.get(change).content.decode())
    data["notes-0-text"] = "Muistiinpano"
    assert staff_client.post(change, data).status_code == 302
    assert InternalNote.objects.get().text == "Muistiinpano"


def test_scores_cannot_be_attached_to_another_cohorts_criteria(staff_client, cohort):
    from academy.tests.factories import CohortFactory

    mine = submitted(cohort)
    other_cohort = CohortFactory()
    foreign = other_cohort.review_criteria.first()
    other = submitted(other_cohort)
    # The address names the other cohort's application; the form names the first one.
    response = staff_client.post(*new_review(mine, [(foreign, 5, "")], address_application=other))
    assert response.status_code == 200
    assert Score.objects.count() == 0
    # Even a score stored around the admin does not count for the wrong cohort.
    review = Review.objects.create(application=mine, reviewer=UserFactory())
    Score.objects.create(review=review, criterion=foreign, value=5)
    assert with_scores(Application.objects.filter(pk=mine.pk)).get().score is None


@pytest.mark.parametrize("state", ["draft", "withdrawn"])
def test_drafts_and_withdrawn_applications_are_not_reviewed(staff_client, cohort, state):
    application = ApplicationFactory(cohort=cohort, state=state)
    criterion = cohort.review_criteria.first()
    response = staff_client.post(*new_review(application, [(criterion, 4, "")]))
    assert "Only submitted applications are reviewed." in response.content.decode()
    assert Review.objects.count() == 0


def test_a_scored_criterion_cannot_be_deleted_or_moved(staff_client, cohort, reviewer):
    application = submitted(cohort)
    score(application, reviewer, {"Tiimi": 4})
    criterion = cohort.review_criteria.get(name="Tiimi")
    assert staff_client.get(f"{ADMIN}reviewcriterion/{criterion.pk}/delete/").status_code == 403
    page = staff_client.get(f"{ADMIN}reviewcriterion/{criterion.pk}/change/").content.decode()
    assert 'name="cohort"' not in page


def test_staff_withdraw_at_the_organisations_request_after_the_close(
    staff_client, cohort, reviewer
):
    import time_machine

    application = submitted(cohort)
    with time_machine.travel(dt.datetime(2022, 2, 15, 9, 0, tzinfo=HELSINKI), tick=False):
        response = staff_client.post(
            f"{ADMIN}application/",
            {"action": "withdraw", "_selected_action": [str(application.pk)]},
        )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == "withdrawn"
    assert application.state_changes.last().by == reviewer


def test_admin_pages_are_for_staff_only(client, cohort):
    application = submitted(cohort)
    client.force_login(application.applicant)
    for path in (
        f"{ADMIN}application/",
        f"{ADMIN}application/{application.pk}/change/",
        f"{ADMIN}applicationversion/",
        f"{ADMIN}review/add/",
    ):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/en/admin/login/")
