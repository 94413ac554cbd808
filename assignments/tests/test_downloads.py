"""Who downloads the pre-assignment's files and sees its page; and how a file is served."""

import pytest
import time_machine

from academy.tests.factories import CohortFactory
from academy.tests.programme import (
    PDF,
    ParticipationFactory,
    member,
    pdf_upload,
    stored_pdf,
    template_for,
)
from assignments import services
from assignments.models import SubmittedFile

from .support import BEFORE_DUE, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def stranger(db):
    """A member of an organisation taking part in another cohort."""
    other = ParticipationFactory(
        cohort=CohortFactory(slug="2023", year=2023), organisation__name="Muualan kunta"
    )
    return member(other, "vieras@muuala.fi", name="Ville Vieras")


@pytest.fixture
def files(assignment, ours, contact, colleague, outsider, staff):
    with time_machine.travel(BEFORE_DUE, tick=False):
        submission = services.submission_for(assignment, ours.organisation)
        submitted = services.upload(
            submission, pdf_upload("Nykytila Esimerkkilä.pdf"), by=contact, now=BEFORE_DUE
        )
        template = template_for(assignment)
        feedback = services.give_feedback(
            submission, author=staff, text="Hyvä alku.", files=[stored_pdf("Palaute.pdf")]
        )
    return {
        "submitted": submitted.file,
        "template": template.file,
        "feedback": feedback.files.get(),
    }


ALL = ["submitted", "template", "feedback"]
# The team's own files are the team's and staff's; the template is the whole cohort's.
EXPECTED = {
    "contact": dict.fromkeys(ALL, 200),
    "colleague": dict.fromkeys(ALL, 200),
    "staff": dict.fromkeys(ALL, 200),
    "outsider": {"submitted": 404, "template": 200, "feedback": 404},
    "stranger": dict.fromkeys(ALL, 404),
    "nobody": dict.fromkeys(ALL, 404),
}


@pytest.mark.parametrize("kind", ALL)
@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_who_may_download_which_file(client, files, request, stranger, nobody, who, kind):
    client.force_login(request.getfixturevalue(who))
    response = client.get(f"/files/{files[kind].public_id}/")
    assert response.status_code == EXPECTED[who][kind]


@pytest.mark.parametrize("kind", ALL)
def test_an_anonymous_download_is_sent_to_sign_in(client, files, kind):
    address = f"/files/{files[kind].public_id}/"
    response = client.get(address)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={address}"


def test_an_unknown_file_is_not_found(client, files, staff):
    client.force_login(staff)
    assert client.get("/files/00000000-0000-4000-8000-000000000000/").status_code == 404


def test_a_download_is_a_never_sniffed_attachment_under_its_original_name(client, files, colleague):
    client.force_login(colleague)
    response = client.get(f"/files/{files['feedback'].public_id}/")
    assert response["Content-Disposition"] == 'attachment; filename="Palaute.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF


def test_a_non_ascii_original_name_is_kept_in_the_download(client, files, contact):
    client.force_login(contact)
    response = client.get(f"/files/{files['submitted'].public_id}/")
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Nykytila%20Esimerkkil%C3%A4.pdf"
    )


def test_a_download_carries_the_stored_content_type(client, files, contact):
    files["submitted"].content_type = "text/plain"
    files["submitted"].save()
    client.force_login(contact)
    response = client.get(f"/files/{files['submitted'].public_id}/")
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_template_is_listed_on_the_page_with_its_link(signed_in, url, files):
    with time_machine.travel(BEFORE_DUE, tick=False):
        html = signed_in.get(url).content.decode()
    template = files["template"]
    assert f'<a href="/en/files/{template.public_id}/">Ennakkotehtäväpohja</a>' in html


# The pre-assignment page itself.

PAGE = {"contact": 200, "colleague": 200, "staff": 200, "outsider": 404, "stranger": 404}


@pytest.mark.parametrize("who", sorted(PAGE))
def test_who_sees_the_pre_assignment_page(client, url, request, stranger, who):
    client.force_login(request.getfixturevalue(who))
    with time_machine.travel(BEFORE_DUE, tick=False):
        assert client.get(url).status_code == PAGE[who]


def test_someone_without_a_team_does_not_find_the_page(client, url, nobody):
    client.force_login(nobody)
    assert client.get(url).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in_from_the_page(client, ours, assignment):
    address = f"/workspace/{ours.pk}/pre-assignment/"
    response = client.get(address)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={address}"


def test_staff_see_the_page_without_the_team_s_forms(client, url, staff, signed_in):
    upload(signed_in, url)
    client.force_login(staff)
    with time_machine.travel(BEFORE_DUE, tick=False):
        html = client.get(url).content.decode()
    assert "Vastaus.pdf" in html
    assert "Add a file" not in html
    assert 'name="action"' not in html


@pytest.mark.parametrize("action", ["upload", "final", "reopen", "remove"])
def test_staff_cannot_act_for_the_team(client, url, staff, signed_in, action):
    upload(signed_in, url)
    item = SubmittedFile.objects.get()
    client.force_login(staff)
    data = {"action": action, "file": pdf_upload("Henkilöstön.pdf")}
    if action == "remove":
        data["file"] = item.pk
    with time_machine.travel(BEFORE_DUE, tick=False):
        response = client.post(url, data)
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.is_current
    assert SubmittedFile.objects.count() == 1
    assert item.submission.state == "draft"


def test_another_organisation_cannot_post_to_the_page(client, url, outsider):
    client.force_login(outsider)
    with time_machine.travel(BEFORE_DUE, tick=False):
        response = client.post(url, {"action": "upload", "file": pdf_upload()})
    assert response.status_code == 404
    assert SubmittedFile.objects.count() == 0
