"""A person's own data: a copy to download, and a request for erasure."""

import io
import json
import zipfile

import pytest

from academy.models import AuditRecord, ErasureRequest
from academy.tests.factories import UserFactory
from academy.tests.programme import staff_user, stored_pdf
from applications.tests.factories import ApplicationFactory
from notifications.services import queue_rendered

pytestmark = pytest.mark.django_db

PAGE = "/en/profile/data/"
DOWNLOAD = "/en/profile/data/download/"


@pytest.fixture
def person():
    return UserFactory(email="hakija@esimerkkila.fi", name="Hanna Hakija")


@pytest.fixture
def someone_else():
    return UserFactory(email="toinen@toisenla.fi", name="Toivo Toinen")


def download(client, user) -> tuple[dict, dict[str, bytes]]:
    client.force_login(user)
    response = client.get(DOWNLOAD)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as bundle:
        files = {name: bundle.read(name) for name in bundle.namelist()}
    return json.loads(files.pop("data.json")), files


def test_the_copy_holds_the_person_s_data_and_files_and_no_one_else_s(client, person, someone_else):
    ApplicationFactory(applicant=person, answers={"motivation": "Haluamme oppia."})
    ApplicationFactory(applicant=someone_else, answers={"motivation": "Toisen vastaus."})
    stored_pdf("Oma liite.pdf", by=person)
    stored_pdf("Toisen liite.pdf", by=someone_else)
    queue_rendered(
        purpose="test",
        to=person.email,
        subject="Tervetuloa",
        body_text="Hei Hanna",
        key="k1",
        recipient=person,
        body_html="",
        language="fi",
    )
    queue_rendered(
        purpose="code",
        to=person.email,
        subject="Kirjautumiskoodi",
        body_text="Koodi: ABCD-1234",
        key="k2",
        recipient=person,
        body_html="",
        language="fi",
        sensitive=True,
    )
    data, files = download(client, person)
    text = json.dumps(data, ensure_ascii=False)
    assert data["account"][0]["email"] == "hakija@esimerkkila.fi"
    assert [a["motivation"] for a in data["applications"]] == ["Haluamme oppia."]
    assert {e["subject"] for e in data["emails"]} == {"Tervetuloa", "Kirjautumiskoodi"}
    assert "Hei Hanna" in text
    assert "ABCD-1234" not in text
    assert "Toisen vastaus" not in text
    assert "toinen@toisenla.fi" not in text
    [name] = files
    assert name.endswith("Oma liite.pdf")
    assert files[name].startswith(b"%PDF")


def test_downloading_the_copy_is_recorded(client, person):
    download(client, person)
    record = AuditRecord.objects.get()
    assert record.user_email == person.email
    assert record.view == "programme:my_data_download"
    assert record.action == "download"


def test_anonymous_visitors_sign_in_first(client):
    for path in (PAGE, DOWNLOAD):
        response = client.get(path)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_an_erasure_request_needs_the_confirmation_and_keeps_what_was_typed(client, person):
    client.force_login(person)
    response = client.post(PAGE, {"reason": "En osallistu enää."})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert "En osallistu enää." in response.content.decode()
    assert not ErasureRequest.objects.exists()


def test_an_erasure_request_is_recorded_once_for_staff(client, person):
    client.force_login(person)
    response = client.post(PAGE, {"reason": "En osallistu enää.", "confirm": "on"})
    assert response.status_code == 302
    client.post(PAGE, {"reason": "Uudestaan", "confirm": "on"})
    request = ErasureRequest.objects.get()
    assert (request.email, request.reason) == (person.email, "En osallistu enää.")
    page = client.get(PAGE).content.decode()
    assert "You asked for erasure on" in page
    client.force_login(staff_user())
    listing = client.get("/en/admin/academy/erasurerequest/")
    assert listing.status_code == 200
    assert person.email in listing.content.decode()


def test_staff_carry_out_an_erasure_and_what_must_stay_stays_without_the_name(client, person):
    from allauth.account.models import EmailAddress

    from academy.models import Membership, Organisation
    from applications.models import Application, ApplicationState
    from notifications.models import OutgoingEmail

    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    submitted = ApplicationFactory(applicant=person, state=ApplicationState.SUBMITTED)
    submitted.versions.create(number=1, answers={"contact_email": person.email, "goals": "x"})
    ApplicationFactory(applicant=person)  # a draft
    organisation = Organisation.objects.create(name="Esimerkkilä", business_id="0000000-0")
    Membership.objects.create(user=person, organisation=organisation, role="procurement_lead")
    queue_rendered(
        purpose="test",
        to=person.email,
        subject="Tervetuloa",
        body_text="Hei Hanna",
        body_html="<p>Hei Hanna</p>",
        key="k1",
        recipient=person,
        language="fi",
    )
    ErasureRequest.objects.create(user=person, email=person.email)
    staff = staff_user()
    client.force_login(staff)
    request = ErasureRequest.objects.get()
    response = client.post(
        "/en/admin/academy/erasurerequest/",
        {"action": "carry_out", "_selected_action": [request.pk]},
        follow=True,
    )
    assert "1 request carried out." in response.content.decode()
    person.refresh_from_db()
    assert person.is_erased
    assert not person.is_active
    assert person.name == ""
    assert not person.has_usable_password()
    assert not EmailAddress.objects.filter(user=person).exists()
    assert not Membership.objects.filter(user=person).exists()
    assert list(Application.objects.filter(applicant=person)) == [submitted]
    submitted.refresh_from_db()
    assert (submitted.contact_name, submitted.contact_email, submitted.contact_phone) == (
        "",
        "",
        "",
    )
    assert submitted.versions.get().answers == {"contact_email": "", "goals": "x"}
    email = OutgoingEmail.objects.get(key="k1")
    assert (email.body_text, email.body_html, email.subject) == ("", "", "Tervetuloa")
    assert "hakija@esimerkkila.fi" not in email.to
    request.refresh_from_db()
    assert request.carried_out_by == staff
    assert request.carried_out_at is not None
    from academy.templatetags.academy_tags import who

    assert who(person) == "a removed user"
    # Nobody signs in as the erased person any more.
    assert not client.login(email="hakija@esimerkkila.fi", password="correct horse battery staple")
