"""Staff's feedback: given in the admin or by the service, shown on the page, mailed to the team."""

import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from academy.models import StoredFile
from academy.tests.programme import PDF, helsinki, pdf_upload, stored_pdf
from assignments import services
from assignments.models import Feedback

from .support import BEFORE_DUE, get, mails, recipients

pytestmark = pytest.mark.django_db

TEXT = "**Hyvä** alku.\n\n<script>alert('palaute')</script>\n\n- Lisätkää lähteet"


@pytest.fixture
def submission(assignment, ours, contact, colleague, outsider):
    with time_machine.travel(BEFORE_DUE, tick=False):
        found = services.submission_for(assignment, ours.organisation)
        services.upload(found, pdf_upload(), by=contact, now=BEFORE_DUE)
    return found


def feedback_section(html: str) -> str:
    return html.split('id="feedback-heading"', 1)[1].split("</section>", 1)[0]


def test_feedback_is_shown_on_the_page_as_markdown(signed_in, url, submission, staff):
    feedback = services.give_feedback(
        submission, author=staff, text=TEXT, files=[stored_pdf("Palaute.pdf")]
    )
    section = feedback_section(get(signed_in, url))
    assert "<strong>Hyvä</strong> alku." in section
    assert "<li>Lisätkää lähteet</li>" in section
    assert "No feedback yet." not in section
    stored = feedback.files.get()
    assert f'<a href="/en/files/{stored.public_id}/">Palaute.pdf</a>' in section


def test_a_script_in_the_feedback_is_not_a_tag_on_the_page(signed_in, url, submission, staff):
    services.give_feedback(submission, author=staff, text=TEXT)
    section = feedback_section(get(signed_in, url))
    assert "<script" not in section.lower()
    assert "<strong>Hyvä</strong>" in section


def test_feedback_is_mailed_to_each_member_of_the_team_and_no_one_else(
    submission, staff, ours, contact, colleague, outsider
):
    services.give_feedback(submission, author=staff, text=TEXT)
    assert recipients("assignment_feedback") == sorted([contact.email, colleague.email])
    for email in mails("assignment_feedback"):
        assert email.recipient in (contact, colleague)
        assert f"/workspace/{ours.pk}/pre-assignment/" in email.body_text
        assert "Esimerkkilän kaupunki" in email.subject + email.body_text


def test_each_feedback_is_mailed_once_more(submission, staff):
    services.give_feedback(submission, author=staff, text="Ensimmäinen.")
    services.give_feedback(submission, author=staff, text="Toinen.")
    assert len(mails("assignment_feedback")) == 4


# The same through the admin.


def change_form(client, submission) -> dict:
    """The hidden fields of the admin's change form (the inlines' management forms)."""
    html = client.get(f"/en/admin/assignments/submission/{submission.pk}/change/").content.decode()
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    fields.pop("csrfmiddlewaretoken", None)
    return fields


def post_change(client, submission, **data):
    form = change_form(client, submission)
    form.update(
        {"extended_due_at_0": "", "extended_due_at_1": "", "feedback_text": "", "_save": "1"}
    )
    form.update(data)
    with time_machine.travel(BEFORE_DUE, tick=False):
        return client.post(f"/en/admin/assignments/submission/{submission.pk}/change/", form)


def test_feedback_given_in_the_admin_reaches_the_page_and_the_team(
    client, staff, submission, signed_in, url, contact, colleague
):
    admin = client.__class__()
    admin.force_login(staff)
    response = post_change(
        admin,
        submission,
        feedback_text=TEXT,
        feedback_file=SimpleUploadedFile("Palaute.pdf", PDF, content_type="application/pdf"),
    )
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert (feedback.author, feedback.text) == (staff, TEXT)
    stored = feedback.files.get()
    assert (stored.original_name, stored.uploaded_by) == ("Palaute.pdf", staff)
    section = feedback_section(get(signed_in, url))
    assert "<strong>Hyvä</strong> alku." in section
    assert "<script" not in section.lower()
    assert f'<a href="/en/files/{stored.public_id}/">Palaute.pdf</a>' in section
    assert recipients("assignment_feedback") == sorted([contact.email, colleague.email])
    assert signed_in.get(f"/files/{stored.public_id}/").status_code == 200


def test_an_extension_saved_without_feedback_text_gives_no_feedback(client, staff, submission):
    client.force_login(staff)
    response = post_change(
        client, submission, extended_due_at_0="2022-03-14", extended_due_at_1="16:00"
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.extended_due_at == helsinki(2022, 3, 14, 16, 0)
    assert Feedback.objects.count() == 0
    assert mails("assignment_feedback") == []


def test_a_feedback_file_without_text_is_refused(client, staff, submission):
    client.force_login(staff)
    response = post_change(
        client,
        submission,
        feedback_file=SimpleUploadedFile("Palaute.pdf", PDF, content_type="application/pdf"),
    )
    assert response.status_code == 200
    assert Feedback.objects.count() == 0
    assert StoredFile.objects.filter(original_name="Palaute.pdf").count() == 0
    assert mails("assignment_feedback") == []


def test_a_hostile_feedback_file_is_refused_in_the_admin(client, staff, submission):
    client.force_login(staff)
    response = post_change(
        client,
        submission,
        feedback_text="Katso liite.",
        feedback_file=SimpleUploadedFile("Palaute.pdf", b"<html><script>x</script></html>"),
    )
    assert response.status_code == 200
    assert "its content is not in that format" in response.content.decode()
    assert Feedback.objects.count() == 0
    assert mails("assignment_feedback") == []


def test_the_admin_shows_the_feedback_and_the_files(client, staff, submission):
    feedback = services.give_feedback(
        submission, author=staff, text="Hyvä.", files=[stored_pdf("Palaute.pdf")]
    )
    client.force_login(staff)
    html = client.get(f"/en/admin/assignments/submission/{submission.pk}/change/").content.decode()
    assert f'href="/en/files/{feedback.files.get().public_id}/">Palaute.pdf</a>' in html
    submitted = submission.files.get().file
    assert f'href="/en/files/{submitted.public_id}/">Vastaus.pdf</a>' in html


def test_the_instructions_are_markdown_without_scripts_or_script_links(signed_in, url, assignment):
    assignment.instructions = (
        "## Tehtävä\n\n**Kuvatkaa** nykytila.\n\n<script>alert(1)</script>\n\n"
        "[Ohje](javascript:alert(2)) ja [sivu](https://example.fi/ohje)"
    )
    assignment.save()
    html = get(signed_in, url)
    instructions = html.split('id="instructions-heading"', 1)[1].split("</section>", 1)[0]
    # The text's top heading sits just below the page section's own h2.
    assert "<h3>Tehtävä</h3>" in instructions
    assert "<strong>Kuvatkaa</strong>" in instructions
    assert "<script" not in instructions.lower()
    assert "javascript:" not in instructions
    assert 'href="https://example.fi/ohje"' in instructions
