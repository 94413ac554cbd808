"""A participant's pre-assignment in a real browser, in Finnish, with axe-core on every page."""

import datetime as dt
import re

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import Page, expect

from academy.tests.factories import UserFactory
from academy.tests.programme import (
    PDF,
    AssignmentFactory,
    ParticipationFactory,
    SessionFactory,
    cohort_around_now,
    participant_with_password,
    staff_user,
    template_for,
)
from applications.tests.test_browser import sign_in
from assignments import services
from assignments.models import Submission, SubmissionState
from workshops import services as session_services

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "correct horse battery staple"


@pytest.fixture
def running(live_server):
    """A cohort whose kick-off is a week ahead, its pre-assignment due in five days."""
    now = timezone.now()
    cohort = cohort_around_now(7)
    participation = ParticipationFactory(cohort=cohort, organisation__name="Esimerkkilän kaupunki")
    person = participant_with_password(
        participation, "osallistuja@esimerkkila.fi", PASSWORD, "Olli Osallistuja"
    )
    assignment = AssignmentFactory(cohort=cohort, due_at=now + dt.timedelta(days=5))
    template_for(assignment, "Ennakkotehtäväpohja")
    session_services.publish(
        SessionFactory(cohort=cohort, starts_at=cohort.kickoff_start, ends_at=cohort.kickoff_end)
    )
    return {"participation": participation, "assignment": assignment, "person": person}


def test_a_participant_downloads_uploads_replaces_submits_and_reads_the_feedback(
    page: Page, live_server, running, tmp_path, assert_accessible, csp_violations
):
    base = live_server.url
    sign_in(page, base, "osallistuja@esimerkkila.fi", PASSWORD)

    # Signed in, a participant lands in the organisation's workspace.
    expect(page).to_have_url(re.compile(rf"/workspace/{running['participation'].pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Esimerkkilän kaupunki")
    kickoff = page.get_by_role("link", name="Aloitustilaisuus").first
    expect(kickoff).to_be_visible()
    assert_accessible(page)

    kickoff.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aloitustilaisuus")
    assert_accessible(page)

    page.go_back()
    page.get_by_role("link", name=running["assignment"].title).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(running["assignment"].title)
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Ennakkotehtäväpohja").click()
    saved = tmp_path / "pohja.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")
    assert download.value.suggested_filename == "Pohja.pdf"

    first = tmp_path / "Vastaus.pdf"
    first.write_bytes(PDF)
    page.locator("#id_file").set_input_files(first)
    page.locator("#upload-form button[type=submit]").click()
    expect(page.get_by_role("link", name="Vastaus.pdf")).to_be_visible()
    assert_accessible(page)

    second = tmp_path / "Vastaus v2.pdf"
    second.write_bytes(PDF + b"% korjattu\n")
    page.locator("input[id^=replace-]").set_input_files(second)
    page.locator(".replace-form button[type=submit]").click()
    expect(page.get_by_role("link", name="Vastaus v2.pdf")).to_be_visible()
    # The first version is kept among the earlier versions.
    expect(page.locator("#history-heading")).to_be_visible()
    expect(page.get_by_role("link", name="Vastaus.pdf")).to_be_visible()

    page.locator("#final-form button[type=submit]").click()
    submission = Submission.objects.get()
    assert submission.state == SubmissionState.FINAL
    assert not submission.is_late
    expect(page.locator(".alert-success").first).to_be_visible()
    assert_accessible(page)

    # Later, staff give feedback; the participant reads it on the same page.
    services.give_feedback(submission, author=staff_user(), text="Hyvä pohja: **jatketaan** tästä.")
    page.reload()
    expect(page.locator("#feedback-heading + article strong")).to_have_text("jatketaan")
    assert_accessible(page)
    assert csp_violations == []


def test_someone_with_no_team_is_not_shown_the_workspace(page: Page, live_server, running):
    UserFactory(email="ulkopuolinen@example.fi", password=PASSWORD)
    EmailAddress.objects.create(
        user_id=UserFactory(email="ulkopuolinen@example.fi").pk,
        email="ulkopuolinen@example.fi",
        verified=True,
        primary=True,
    )
    sign_in(page, live_server.url, "ulkopuolinen@example.fi", PASSWORD)
    response = page.goto(f"{live_server.url}/workspace/{running['participation'].pk}/")
    assert response.status == 404
