"""Staff's side of the pre-assignment: the zip of final submissions, and sending it on its own."""

import io
import zipfile

import pytest
import time_machine
from django.utils import translation

from academy.tests.programme import PDF, SessionFactory, helsinki, pdf_upload
from assignments import services
from assignments.models import Assignment, Submission, SubmittedFile
from workshops import services as session_services

from .support import BEFORE_DUE, SENT, mails, recipients

pytestmark = pytest.mark.django_db


def add(submission, name, content, by, **kwargs) -> SubmittedFile:
    with time_machine.travel(BEFORE_DUE, tick=False):
        return services.upload(
            submission, pdf_upload(name, content), by=by, now=BEFORE_DUE, **kwargs
        )


EXE = b"MZ\x90\x00" + b"\x00" * 60


def version(n: int) -> bytes:
    return PDF + f"% versio {n}\n".encode()


@pytest.fixture
def submissions(assignment, ours, theirs, contact, outsider):
    """Ours final: a replaced, a removed and two files whose names clean to one. Theirs a draft."""
    ours_submission = services.submission_for(assignment, ours.organisation)
    first = add(ours_submission, "Vastaus.pdf", version(1), contact)
    add(ours_submission, "Vastaus.pdf", version(2), contact, replaces=first.pk)
    add(ours_submission, "Liite?.pdf", b"%PDF-1.4\nliite A\n", contact)
    add(ours_submission, "Liite*.pdf", b"%PDF-1.4\nliite B\n", contact)
    removed = add(ours_submission, "Poistettu.pdf", PDF, contact)
    with time_machine.travel(BEFORE_DUE, tick=False):
        services.remove(ours_submission, removed.pk, now=BEFORE_DUE)
        services.finalise(ours_submission, by=contact, now=BEFORE_DUE)
    theirs_submission = services.submission_for(assignment, theirs.organisation)
    add(theirs_submission, "Luonnos.pdf", PDF, outsider)
    return ours_submission, theirs_submission


def zip_url(assignment) -> str:
    return f"/admin/assignments/assignment/{assignment.pk}/zip/"


def download_zip(client, assignment) -> zipfile.ZipFile:
    response = client.get(zip_url(assignment))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_zip_holds_the_final_submissions_current_files_by_organisation(
    client, staff, assignment, submissions
):
    client.force_login(staff)
    bundle = download_zip(client, assignment)
    names = sorted(bundle.namelist())
    assert names == [
        "Esimerkkilän kaupunki/Liite_.pdf",
        "Esimerkkilän kaupunki/Vastaus.pdf",
        "Esimerkkilän kaupunki/v1-Liite_.pdf",
    ]
    assert bundle.read("Esimerkkilän kaupunki/Vastaus.pdf") == version(2)


def test_two_files_whose_names_clean_to_one_are_both_kept(client, staff, assignment, submissions):
    client.force_login(staff)
    bundle = download_zip(client, assignment)
    contents = {
        bundle.read(name)
        for name in bundle.namelist()
        if name.rsplit("/", 1)[1].endswith("Liite_.pdf")
    }
    assert contents == {b"%PDF-1.4\nliite A\n", b"%PDF-1.4\nliite B\n"}


def test_a_draft_is_not_in_the_zip(client, staff, assignment, submissions):
    client.force_login(staff)
    bundle = download_zip(client, assignment)
    assert not any(name.startswith("Toisenlan kunta/") for name in bundle.namelist())
    assert not any("Luonnos" in name or "Poistettu" in name for name in bundle.namelist())


def test_an_organisation_name_cannot_escape_its_folder(
    client, staff, assignment, submissions, theirs, outsider
):
    theirs.organisation.name = "../../Toisenla/..\\kunta"
    theirs.organisation.save()
    _ours, theirs_submission = submissions
    with time_machine.travel(BEFORE_DUE, tick=False):
        services.finalise(theirs_submission, by=outsider, now=BEFORE_DUE)
    client.force_login(staff)
    bundle = download_zip(client, assignment)
    names = bundle.namelist()
    assert len(names) == 4
    for name in names:
        folder, file_name = name.split("/")  # one folder, one file: no deeper path
        assert folder not in ("", ".", "..")
        assert file_name not in ("", ".", "..")
        assert "\\" not in name
    assert "_.._Toisenla_.._kunta/Luonnos.pdf" in names


@pytest.mark.parametrize("other_name", ["Esimerkkilän kaupunki", "ESIMERKKILÄN KAUPUNKI"])
def test_two_organisations_of_the_same_name_get_folders_of_their_own(
    client, staff, assignment, submissions, ours, theirs, outsider, other_name
):
    theirs.organisation.name = other_name
    theirs.organisation.save()
    _ours, theirs_submission = submissions
    add(theirs_submission, "Vastaus.pdf", b"%PDF-1.4\ntoisenlan vastaus\n", outsider)
    with time_machine.travel(BEFORE_DUE, tick=False):
        services.finalise(theirs_submission, by=outsider, now=BEFORE_DUE)
    client.force_login(staff)
    bundle = download_zip(client, assignment)
    names = bundle.namelist()
    assert len(names) == len({name.lower() for name in names}) == 5
    answers = {bundle.read(name) for name in names if name.endswith("/Vastaus.pdf")}
    assert answers == {version(2), b"%PDF-1.4\ntoisenlan vastaus\n"}
    folder_of = {bundle.read(name): name.split("/")[0] for name in names}
    assert folder_of[PDF] == folder_of[b"%PDF-1.4\ntoisenlan vastaus\n"]
    assert folder_of[version(2)] != folder_of[PDF]
    ids = {f"({ours.organisation.business_id})", f"({theirs.organisation.business_id})"}
    assert sum(folder.endswith(tuple(ids)) for folder in set(folder_of.values())) == 1


def test_the_zip_is_empty_without_final_submissions(client, staff, assignment):
    client.force_login(staff)
    assert download_zip(client, assignment).namelist() == []


@pytest.mark.parametrize("who", ["contact", "outsider", "nobody"])
def test_the_zip_is_staff_s_alone(client, assignment, submissions, request, nobody, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(zip_url(assignment))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_an_anonymous_visitor_is_sent_to_the_admin_sign_in_for_the_zip(client, assignment):
    response = client.get(zip_url(assignment))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_assignment_page_links_the_zip(client, staff, assignment):
    client.force_login(staff)
    html = client.get(f"/admin/assignments/assignment/{assignment.pk}/change/").content.decode()
    assert f'href="{zip_url(assignment)}"' in html


# Sending it on its own, when the kick-off invitation went without it.


@pytest.fixture
def unsent(assignment):
    assignment.sent_at = None
    assignment.save()
    return assignment


def test_sending_on_its_own_is_refused_before_the_kick_off_is_published(
    unsent, cohort, contact, colleague, outsider
):
    SessionFactory(cohort=cohort)  # a draft
    with translation.override("en"), pytest.raises(services.SubmissionError) as refused:
        services.send_on_its_own(unsent)
    assert "publish the kick-off session" in refused.value.message
    unsent.refresh_from_db()
    assert unsent.sent_at is None
    assert mails("assignment_sent") == []


def test_sending_on_its_own_mails_every_member_of_every_organisation(
    unsent, cohort, contact, colleague, outsider, nobody
):
    SessionFactory(cohort=cohort, state="published")
    with time_machine.travel(SENT, tick=False):
        sent = services.send_on_its_own(unsent)
    assert sent == 3
    assert recipients("assignment_sent") == sorted([contact.email, colleague.email, outsider.email])
    unsent.refresh_from_db()
    assert unsent.sent_at == SENT


def test_sending_on_its_own_twice_mails_no_one_twice(unsent, cohort, contact, outsider):
    SessionFactory(cohort=cohort, state="published")
    services.send_on_its_own(unsent)
    with pytest.raises(services.SubmissionError):
        services.send_on_its_own(unsent)
    assert len(mails("assignment_sent")) == 2


def test_it_is_not_sent_again_when_it_went_with_the_kick_off_invitation(
    unsent, cohort, contact, colleague, outsider
):
    with time_machine.travel(SENT, tick=False):
        session_services.publish(SessionFactory(cohort=cohort))
    invitations = mails("session_invitation")
    assert len(invitations) == 3
    assert all("Ennakkotehtävä" in email.body_text for email in invitations)
    unsent.refresh_from_db()
    assert unsent.sent_at == SENT
    with pytest.raises(services.SubmissionError):
        services.send_on_its_own(unsent)
    assert mails("assignment_sent") == []


def test_the_mail_links_each_organisation_s_own_page(
    unsent, cohort, ours, theirs, contact, outsider
):
    SessionFactory(cohort=cohort, state="published")
    services.send_on_its_own(unsent)
    by_address = {email.to: email for email in mails("assignment_sent")}
    assert f"/workspace/{ours.pk}/pre-assignment/" in by_address[contact.email].body_text
    assert f"/workspace/{theirs.pk}/pre-assignment/" in by_address[outsider.email].body_text


def test_the_admin_action_sends_it(client, staff, unsent, cohort, contact, outsider):
    SessionFactory(cohort=cohort, state="published")
    client.force_login(staff)
    response = client.post(
        "/admin/assignments/assignment/",
        {"action": "send_on_its_own", "_selected_action": [unsent.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert recipients("assignment_sent") == sorted([contact.email, outsider.email])
    unsent.refresh_from_db()
    assert unsent.sent_at is not None


def test_the_admin_action_on_a_sent_assignment_warns_and_mails_no_one(
    client, staff, assignment, cohort, contact
):
    SessionFactory(cohort=cohort, state="published")
    client.force_login(staff)
    response = client.post(
        "/en/admin/assignments/assignment/",
        {"action": "send_on_its_own", "_selected_action": [assignment.pk]},
        follow=True,
    )
    assert "It was sent to the participants on 01.03.2022 09:00." in response.content.decode()
    assert mails("assignment_sent") == []


# Writing the pre-assignment in the admin.


def assignment_form(cohort, **data) -> dict:
    form = {
        "cohort": cohort.pk,
        "title": "Ennakkotehtävä",
        "instructions": "Kuvatkaa nykytila.",
        "due_at_0": "2022-03-11",
        "due_at_1": "16:00",
        "cutoff_at_0": "",
        "cutoff_at_1": "",
        "allowed_types": ["pdf", "docx"],
        "max_size_mb": "20",
        "templates-TOTAL_FORMS": "1",
        "templates-INITIAL_FORMS": "0",
        "templates-MIN_NUM_FORMS": "0",
        "templates-MAX_NUM_FORMS": "1000",
        "templates-0-title": "Pohja",
        "templates-0-upload": pdf_upload("Pohja.pdf"),
        "templates-0-position": "0",
        "_save": "1",
    }
    form.update(data)
    return form


def test_staff_write_the_assignment_with_a_template(client, staff, cohort):
    client.force_login(staff)
    response = client.post("/en/admin/assignments/assignment/add/", assignment_form(cohort))
    assert response.status_code == 302
    written = cohort.pre_assignment
    assert written.allowed_types == ["pdf", "docx"]
    assert written.sent_at is None
    template = written.templates.get()
    assert (template.title, template.file.original_name) == ("Pohja", "Pohja.pdf")
    assert template.file.uploaded_by == staff


def test_a_hostile_template_is_refused(client, staff, cohort):
    client.force_login(staff)
    response = client.post(
        "/en/admin/assignments/assignment/add/",
        assignment_form(cohort, **{"templates-0-upload": pdf_upload("Pohja.pdf", EXE)}),
    )
    assert response.status_code == 200
    assert "its content is not in that format" in response.content.decode()
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"cutoff_at_0": "2022-03-10", "cutoff_at_1": "16:00"},
            "The cut-off cannot come before the due date.",
        ),
        ({"max_size_mb": "51"}, "Ensure this value is less than or equal to 50."),
        ({"max_size_mb": "0"}, "Ensure this value is greater than or equal to 1."),
        ({"allowed_types": []}, "This field is required."),
    ],
    ids=["cutoff-before-due", "too-large", "zero", "no-types"],
)
def test_an_impossible_assignment_is_refused(client, staff, cohort, data, message):
    client.force_login(staff)
    form = assignment_form(cohort, **data)
    form.pop("templates-0-upload")
    form["templates-TOTAL_FORMS"] = "0"
    response = client.post("/en/admin/assignments/assignment/add/", form)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Assignment.objects.exists()


def test_staff_give_a_later_due_date_to_an_organisation_that_has_not_started(
    client, staff, assignment, ours
):
    client.force_login(staff)
    fields = {
        "assignment": assignment.pk,
        "organisation": ours.organisation.pk,
        "extended_due_at_0": "2022-03-18",
        "extended_due_at_1": "16:00",
    }
    response = client.post("/en/admin/assignments/submission/add/", fields)
    assert response.status_code == 302, response.content.decode()[-2000:]
    submission = Submission.objects.get(organisation=ours.organisation)
    assert submission.due_at == helsinki(2022, 3, 18, 16, 0)


def test_an_extension_before_the_due_date_is_refused(client, staff, assignment, ours):
    client.force_login(staff)
    fields = {
        "assignment": assignment.pk,
        "organisation": ours.organisation.pk,
        "extended_due_at_0": "2022-03-01",
        "extended_due_at_1": "16:00",
    }
    response = client.post("/en/admin/assignments/submission/add/", fields)
    assert response.status_code == 200
    assert "must come after the pre-assignment" in response.content.decode()
    assert not Submission.objects.exists()


def test_a_removed_template_takes_its_file_with_it(assignment, django_capture_on_commit_callbacks):
    from pathlib import Path

    from academy.models import StoredFile
    from academy.tests.programme import template_for

    template = template_for(assignment)
    path = Path(template.file.file.path)
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        template.delete()
    assert not path.exists()
    assert not StoredFile.objects.exists()


def test_zip_entries_keep_their_upload_time(client, staff, assignment, submissions):
    client.force_login(staff)
    bundle = download_zip(client, assignment)
    entry = bundle.getinfo("Esimerkkilän kaupunki/Vastaus.pdf")
    # Uploaded at BEFORE_DUE, 4.3.2022 10.00 Helsinki time.
    assert entry.date_time == (2022, 3, 4, 10, 0, 0)


def test_an_extension_is_told_to_that_organisation_s_team_alone(
    client, staff, assignment, ours, contact, outsider
):
    client.force_login(staff)
    fields = {
        "assignment": assignment.pk,
        "organisation": ours.organisation.pk,
        "extended_due_at_0": "2022-03-18",
        "extended_due_at_1": "16:00",
    }
    assert client.post("/en/admin/assignments/submission/add/", fields).status_code == 302
    assert recipients("assignment_due_changed") == [contact.email]
    (mail,) = mails("assignment_due_changed")
    assert "18.3.2022 klo 16.00" in mail.body_text


def test_an_organisation_outside_the_cohort_gets_no_extension(client, staff, assignment):
    from academy.tests.factories import OrganisationFactory

    stranger = OrganisationFactory(name="Hakijakunta")
    client.force_login(staff)
    fields = {
        "assignment": assignment.pk,
        "organisation": stranger.pk,
        "extended_due_at_0": "2022-03-18",
        "extended_due_at_1": "16:00",
    }
    response = client.post("/en/admin/assignments/submission/add/", fields)
    assert response.status_code == 200
    assert not Submission.objects.exists()


def test_a_moved_due_date_is_told_to_everyone_without_an_extension_of_their_own(
    assignment, ours, theirs, contact, outsider
):
    services.submission_for(assignment, theirs.organisation)
    services.set_extension(
        assignment.submissions.get(organisation=theirs.organisation), helsinki(2022, 3, 25, 16, 0)
    )
    assignment.due_at = helsinki(2022, 3, 14, 16, 0)
    assignment.save()
    assert services.tell_new_due_date(assignment) == 1
    assert recipients("assignment_due_changed") == [contact.email]
