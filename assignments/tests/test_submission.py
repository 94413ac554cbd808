"""Uploading, replacing, removing, submitting and reopening the pre-assignment through its page."""

import datetime as dt
import hashlib
from pathlib import Path

import pytest
import time_machine
from django.conf import settings

from academy.models import StoredFile
from academy.tests.programme import PDF, helsinki, pdf_upload
from assignments import services
from assignments.models import Submission, SubmissionState, SubmittedFile

from .support import AFTER_DUE, BEFORE_DUE, DUE, get, post, private_files, upload

pytestmark = pytest.mark.django_db

CUTOFF = helsinki(2022, 3, 15, 16, 0)


def current(submission_files):
    return [item for item in submission_files if item.is_current]


def test_an_upload_is_stored_privately_under_a_generated_name(signed_in, url, contact):
    response = upload(signed_in, url, "Nykytila Esimerkkilä.pdf")
    assert response.status_code == 302
    stored = StoredFile.objects.get()
    assert stored.original_name == "Nykytila Esimerkkilä.pdf"
    assert stored.size == len(PDF)
    assert stored.sha256 == hashlib.sha256(PDF).hexdigest()
    assert stored.content_type == "application/pdf"
    assert stored.uploaded_by == contact
    assert "Nykytila" not in stored.file.name
    assert "Esimerkkil" not in stored.file.name
    assert stored.file.name.endswith(".pdf")
    on_disk = Path(stored.file.path).resolve()
    assert on_disk.read_bytes() == PDF
    assert on_disk.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve())
    assert not on_disk.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    if settings.MEDIA_ROOT:
        assert not on_disk.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert private_files() == [on_disk]
    item = SubmittedFile.objects.get()
    assert (item.file, item.version, item.submission.state) == (stored, 1, SubmissionState.DRAFT)


def test_the_page_lists_the_uploaded_file_with_its_download_link(signed_in, url):
    upload(signed_in, url, "Nykytila.pdf")
    stored = StoredFile.objects.get()
    html = get(signed_in, url)
    assert f'<a href="/en/files/{stored.public_id}/">Nykytila.pdf</a>' in html
    assert "No files yet." not in html
    assert "Submit as final" in html


def test_the_upload_is_confirmed_by_its_name(signed_in, url):
    response = upload(signed_in, url, "Nykytila.pdf")
    html = get(signed_in, response["Location"])
    assert "Nykytila.pdf has been added." in html


def test_a_replacement_is_version_2_and_the_first_stays_in_the_history(signed_in, url):
    upload(signed_in, url, "Vastaus.pdf")
    first = SubmittedFile.objects.get()
    response = upload(
        signed_in,
        url,
        "Vastaus v2.pdf",
        when=BEFORE_DUE + dt.timedelta(hours=1),
        content=PDF + b"% toinen\n",
        replaces=first.pk,
    )
    assert response.status_code == 302
    first.refresh_from_db()
    second = SubmittedFile.objects.exclude(pk=first.pk).get()
    assert first.replaced_at == BEFORE_DUE + dt.timedelta(hours=1)
    assert (second.version, second.previous) == (2, first)
    assert current(SubmittedFile.objects.all()) == [second]
    html = get(signed_in, url, BEFORE_DUE + dt.timedelta(hours=2))
    files_section, history = html.split("Earlier versions")
    assert f"/en/files/{second.file.public_id}/" in files_section
    assert f"/en/files/{first.file.public_id}/" not in files_section
    assert f'<a href="/en/files/{first.file.public_id}/">Vastaus.pdf</a> (version 1' in history
    assert "replaced" in history
    assert "Vastaus v2.pdf has replaced the earlier version" in html


def test_a_replaced_version_can_still_be_downloaded(signed_in, url):
    upload(signed_in, url, "Vastaus.pdf")
    first = SubmittedFile.objects.get()
    upload(signed_in, url, "Vastaus.pdf", content=PDF + b"%2\n", replaces=first.pk)
    response = signed_in.get(f"/files/{first.file.public_id}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_a_replaced_version_cannot_be_replaced_again(signed_in, url):
    upload(signed_in, url, "Vastaus.pdf")
    first = SubmittedFile.objects.get()
    upload(signed_in, url, "Vastaus.pdf", replaces=first.pk)
    response = upload(signed_in, url, "Kolmas.pdf", replaces=first.pk)
    assert response.status_code == 200
    assert "That file has been replaced or removed already." in response.content.decode()
    assert SubmittedFile.objects.count() == 2
    assert not StoredFile.objects.filter(original_name="Kolmas.pdf").exists()


def test_a_removed_file_leaves_the_current_files_and_stays_in_the_history(signed_in, url):
    upload(signed_in, url, "Vastaus.pdf")
    item = SubmittedFile.objects.get()
    response = post(signed_in, url, BEFORE_DUE, action="remove", file=item.pk)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.removed_at == BEFORE_DUE
    assert StoredFile.objects.filter(pk=item.file_id).exists()
    html = get(signed_in, url)
    files_section, history = html.split("Earlier versions")
    assert "No files yet." in files_section
    assert f"/en/files/{item.file.public_id}/" in history
    assert "removed" in history
    assert signed_in.get(f"/files/{item.file.public_id}/").status_code == 200


def test_another_organisations_file_cannot_be_removed(signed_in, url, assignment, theirs, outsider):
    theirs_submission = services.submission_for(assignment, theirs.organisation)
    with time_machine.travel(BEFORE_DUE, tick=False):
        item = services.upload(theirs_submission, pdf_upload(), by=outsider, now=BEFORE_DUE)
    response = post(signed_in, url, BEFORE_DUE, action="remove", file=item.pk)
    item.refresh_from_db()
    assert item.removed_at is None
    assert "That file has been replaced or removed already." in get(signed_in, response["Location"])


def test_marking_final_before_the_due_date_is_on_time(signed_in, url, contact):
    upload(signed_in, url)
    response = post(signed_in, url, BEFORE_DUE + dt.timedelta(hours=1), action="final")
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.state == SubmissionState.FINAL
    assert submission.submitted_at == BEFORE_DUE + dt.timedelta(hours=1)
    assert submission.submitted_by == contact
    assert submission.is_late is False
    html = get(signed_in, url)
    assert "Submitted. Thank you!" in html
    assert "Submitted March 4, 2022" in html
    assert "marked late" not in html


def test_marking_final_at_the_due_date_itself_is_on_time(signed_in, url):
    upload(signed_in, url)
    post(signed_in, url, DUE, action="final")
    assert Submission.objects.get().is_late is False


def test_marking_final_after_the_due_date_is_late_and_the_page_says_so(signed_in, url):
    upload(signed_in, url)
    post(signed_in, url, DUE + dt.timedelta(seconds=1), action="final")
    submission = Submission.objects.get()
    assert (submission.state, submission.is_late) == (SubmissionState.FINAL, True)
    html = get(signed_in, url, AFTER_DUE)
    assert "Submitted. It came after the due date and is marked late." in html
    assert "Submitted late" in html


def test_a_final_submission_cannot_change_its_files_until_reopened(signed_in, url):
    upload(signed_in, url)
    post(signed_in, url, BEFORE_DUE, action="final")
    response = upload(signed_in, url, "Myöhempi.pdf")
    assert response.status_code == 200
    assert "Reopen it to change its files." in response.content.decode()
    assert SubmittedFile.objects.count() == 1
    assert not StoredFile.objects.filter(original_name="Myöhempi.pdf").exists()


def test_reopening_makes_it_a_draft_again(signed_in, url):
    upload(signed_in, url)
    post(signed_in, url, AFTER_DUE, action="final")
    response = post(signed_in, url, AFTER_DUE, action="reopen")
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.state == SubmissionState.DRAFT
    assert (submission.submitted_at, submission.submitted_by, submission.is_late) == (
        None,
        None,
        False,
    )
    html = get(signed_in, url, AFTER_DUE)
    assert "The submission is open for changes again." in html
    assert "Submit as final" in html


def test_marking_final_without_files_is_refused(signed_in, url):
    response = post(signed_in, url, BEFORE_DUE, action="final")
    submission = Submission.objects.get()
    assert submission.state == SubmissionState.DRAFT
    assert "Add at least one file before submitting." in get(signed_in, response["Location"])


def test_marking_final_with_only_removed_files_is_refused(signed_in, url):
    upload(signed_in, url)
    post(signed_in, url, BEFORE_DUE, action="remove", file=SubmittedFile.objects.get().pk)
    response = post(signed_in, url, BEFORE_DUE, action="final")
    assert Submission.objects.get().state == SubmissionState.DRAFT
    assert "Add at least one file before submitting." in get(signed_in, response["Location"])


def test_a_final_submission_s_files_cannot_be_removed(signed_in, url):
    upload(signed_in, url)
    post(signed_in, url, BEFORE_DUE, action="final")
    item = SubmittedFile.objects.get()
    response = post(signed_in, url, BEFORE_DUE, action="remove", file=item.pk)
    item.refresh_from_db()
    assert item.is_current
    assert "Reopen it to change its files." in get(signed_in, response["Location"])


def test_another_organisations_file_cannot_be_replaced(
    signed_in, url, assignment, theirs, outsider
):
    theirs_submission = services.submission_for(assignment, theirs.organisation)
    with time_machine.travel(BEFORE_DUE, tick=False):
        item = services.upload(theirs_submission, pdf_upload(), by=outsider, now=BEFORE_DUE)
    response = upload(signed_in, url, "Korvaava.pdf", replaces=item.pk)
    assert response.status_code == 200
    assert "That file has been replaced or removed already." in response.content.decode()
    item.refresh_from_db()
    assert item.is_current
    assert SubmittedFile.objects.count() == StoredFile.objects.count() == 1


@pytest.fixture
def cutoff(assignment):
    assignment.cutoff_at = CUTOFF
    assignment.save()
    return CUTOFF


def test_uploading_after_the_cutoff_is_refused_and_nothing_is_stored(signed_in, url, cutoff):
    response = upload(signed_in, url, when=CUTOFF + dt.timedelta(seconds=1))
    assert response.status_code == 200
    assert "The pre-assignment closed on 15.03.2022 16:00." in response.content.decode()
    assert StoredFile.objects.count() == 0
    assert SubmittedFile.objects.count() == 0
    assert private_files() == []


def test_uploading_at_the_cutoff_itself_is_accepted(signed_in, url, cutoff):
    upload(signed_in, url, when=CUTOFF)
    assert SubmittedFile.objects.count() == 1


def test_marking_final_after_the_cutoff_is_refused(signed_in, url, cutoff):
    upload(signed_in, url)
    response = post(signed_in, url, CUTOFF + dt.timedelta(seconds=1), action="final")
    submission = Submission.objects.get()
    assert (submission.state, submission.submitted_at) == (SubmissionState.DRAFT, None)
    html = get(signed_in, response["Location"], CUTOFF + dt.timedelta(seconds=1))
    assert "The pre-assignment closed on 15.03.2022 16:00." in html
    assert "The pre-assignment is closed." in html
    assert "Add a file" not in html


def test_reopening_after_the_cutoff_is_refused(signed_in, url, cutoff):
    upload(signed_in, url)
    post(signed_in, url, AFTER_DUE, action="final")
    response = post(signed_in, url, CUTOFF + dt.timedelta(seconds=1), action="reopen")
    submission = Submission.objects.get()
    assert (submission.state, submission.is_late) == (SubmissionState.FINAL, True)
    html = get(signed_in, response["Location"], CUTOFF + dt.timedelta(seconds=1))
    assert "The pre-assignment closed on 15.03.2022 16:00." in html


def test_a_draft_past_the_cutoff_is_shown_closed(signed_in, url, cutoff):
    upload(signed_in, url)
    assert "Overdue" in get(signed_in, url, AFTER_DUE)
    html = get(signed_in, url, CUTOFF + dt.timedelta(seconds=1))
    assert "Closed without a submission" in html
    assert "Submit as final" not in html


def test_an_extension_makes_a_later_final_on_time(signed_in, url, ours, assignment):
    upload(signed_in, url)
    Submission.objects.filter(organisation=ours.organisation).update(
        extended_due_at=DUE + dt.timedelta(days=3)
    )
    post(signed_in, url, DUE + dt.timedelta(days=2), action="final")
    submission = Submission.objects.get()
    assert (submission.state, submission.is_late) == (SubmissionState.FINAL, False)
    assert "Submitted late" not in get(signed_in, url, DUE + dt.timedelta(days=2))


def test_an_extension_beyond_the_cutoff_keeps_the_organisation_open(signed_in, url, ours, cutoff):
    upload(signed_in, url)
    Submission.objects.filter(organisation=ours.organisation).update(
        extended_due_at=CUTOFF + dt.timedelta(days=2)
    )
    upload(signed_in, url, "Toinen.pdf", when=CUTOFF + dt.timedelta(days=1))
    post(signed_in, url, CUTOFF + dt.timedelta(days=1), action="final")
    submission = Submission.objects.get()
    assert submission.files.count() == 2
    assert (submission.state, submission.is_late) == (SubmissionState.FINAL, False)


def test_an_unknown_action_is_not_found(signed_in, url):
    assert post(signed_in, url, BEFORE_DUE, action="delete-everything").status_code == 404


def test_the_page_is_not_there_before_the_assignment_is_sent(signed_in, url, assignment):
    assignment.sent_at = None
    assignment.save()
    assert signed_in.get(url).status_code == 404


def test_an_on_time_submission_cannot_be_reopened_after_the_due_date(signed_in, url):
    # Reopened then, it could only come back late, or drop out of the zip.
    upload(signed_in, url)
    post(signed_in, url, BEFORE_DUE, action="final")
    post(signed_in, url, AFTER_DUE, action="reopen")
    submission = Submission.objects.get()
    assert submission.state == SubmissionState.FINAL
    assert not submission.is_late
    assert "came in on time" in get(signed_in, url, AFTER_DUE)


def test_an_extension_given_after_a_late_submission_lifts_its_late_mark(signed_in, url, staff):
    from assignments import services

    upload(signed_in, url)
    post(signed_in, url, AFTER_DUE, action="final")
    submission = Submission.objects.get()
    assert submission.is_late
    services.set_extension(submission, DUE + dt.timedelta(days=1))
    submission.refresh_from_db()
    assert not submission.is_late


def test_a_second_file_of_the_same_name_is_refused_and_the_first_kept(signed_in, url):
    upload(signed_in, url, "Vastaus.pdf")
    response = upload(signed_in, url, "vastaus.pdf", content=PDF + b"%toinen\n")
    assert response.status_code == 200
    assert "is already in the submission" in response.content.decode()
    assert SubmittedFile.objects.count() == 1
    assert StoredFile.objects.count() == 1
