"""The applicant's side: the eligibility question, drafts, validation, the checklist."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from academy.models import HELSINKI, TeamRole
from academy.tests.factories import UserFactory
from applications.models import Application, ApplicationState, ProposedMember

from .conftest import form_data, url
from .factories import LAST_SECOND, ONE_SECOND_LATE, ApplicationFactory

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script><b>lihava</b>"


def test_apply_button_leads_anonymous_visitors_to_sign_in_first(client, cohort, during_call):
    html = client.get("/").content.decode()
    assert f'href="{url("start")}"' in html
    response = client.get(url("start"))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url('start')}"


def test_another_kind_of_organisation_is_told_before_filling_anything_in(
    signed_in, cohort, during_call
):
    response = signed_in.post(url("start"), {"kind": "other"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "ei voi hakea" in html
    assert "kunnat, kuntayhtymät" in html
    assert Application.objects.count() == 0


def test_an_eligible_kind_starts_a_draft_with_the_applicant_as_contact(
    signed_in, cohort, applicant, during_call
):
    response = signed_in.post(url("start"), {"kind": "parish"})
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("edit", application)
    assert application.state == ApplicationState.DRAFT
    assert application.organisation_kind == "parish"
    assert (application.contact_name, application.contact_email) == (
        applicant.name,
        applicant.email,
    )
    assert list(application.state_changes.values_list("from_state", "to_state")) == [("", "draft")]
    # Coming back to "apply" leads to the same application, not a second one.
    assert signed_in.get(url("start"))["Location"] == url("detail", application)
    assert Application.objects.count() == 1


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (dt.datetime(2022, 1, 16, 23, 59, 59, tzinfo=HELSINKI), "Haku ei ole vielä auki"),
        (ONE_SECOND_LATE, "Hakuaika päättyi 11.2.2022 klo 23.59.59"),
    ],
)
def test_apply_outside_the_window_explains_when_it_opens_or_closed(
    signed_in, cohort, when, expected
):
    with time_machine.travel(when, tick=False):
        response = signed_in.post(url("start"), {"kind": "municipality"})
    assert expected in response.content.decode()
    assert Application.objects.count() == 0


@pytest.mark.parametrize(
    "when",
    [
        dt.datetime(2022, 1, 17, 0, 0, 0, tzinfo=HELSINKI),
        dt.datetime(2022, 2, 11, 23, 59, 59, 999999, tzinfo=HELSINKI),
    ],
)
def test_a_draft_can_be_started_from_the_first_to_the_last_second(signed_in, cohort, when):
    with time_machine.travel(when, tick=False):
        signed_in.post(url("start"), {"kind": "municipality"})
    assert Application.objects.get().state == ApplicationState.DRAFT


def test_a_draft_saves_at_the_last_second_and_not_after(signed_in, draft):
    with time_machine.travel(LAST_SECOND, tick=False):
        signed_in.post(url("edit", draft), form_data(draft, goals="Viime hetkellä"))
    with time_machine.travel(ONE_SECOND_LATE, tick=False):
        response = signed_in.post(url("edit", draft), form_data(draft, goals="Myöhässä"))
    draft.refresh_from_db()
    assert draft.goals == "Viime hetkellä"
    assert response["Location"] == url("detail", draft)


def test_a_draft_saves_with_most_answers_missing(signed_in, cohort, applicant, during_call):
    application = Application.objects.create(cohort=cohort, applicant=applicant, state="draft")
    data = form_data(application, team=[{"role": TeamRole.PROCUREMENT_LEAD, "name": "Maija"}])
    data["organisation_name"] = "Esimerkkilän seurakunta"
    response = signed_in.post(url("edit", application), data)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.organisation_name == "Esimerkkilän seurakunta"
    assert list(application.team.values_list("role", "name")) == [("procurement_lead", "Maija")]
    page = signed_in.get(url("detail", application)).content.decode()
    assert "Täytä: Y-tunnus" in page
    assert "Nimeä henkilö rooliin: Kestävyys- tai vastuullisuusasiantuntija" in page
    assert "Lähetä hakemus" not in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("business_id", "1234567-8", "tarkistusnumero ei täsmää"),
        ("business_id", "12345678", "Y-tunnus"),
        ("contact_email", "ei-osoite", "sähköpostiosoite"),
        ("motivation", "x" * 4001, "enintään 4000 merkkiä"),
        ("organisation_name", "x" * 201, "enintään 200 merkkiä"),
        ("procurement_volume", "-5", "vähintään 0"),
        ("website", "javascript:alert(1)", "URL-osoite"),
    ],
)
def test_invalid_answers_are_explained_at_the_field_and_nothing_typed_is_lost(
    signed_in, draft, during_call, field, value, message
):
    stored = getattr(draft, field)
    data = form_data(draft, goals="Uusi tavoite, jota ei saa menettää")
    data[field] = value
    response = signed_in.post(url("edit", draft), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert f'id="error_1_id_{field}"' in html
    assert "Luonnos on tallennettu ilman merkittyjä vastauksia" in html
    # The invalid answer is still on the page as typed, and not stored ...
    assert (f">\n{value}</textarea>" in html) or (f'value="{value}"' in html)
    draft.refresh_from_db()
    assert getattr(draft, field) == stored
    # ... while the valid ones of the draft are kept.
    assert draft.goals == "Uusi tavoite, jota ei saa menettää"


def test_a_submitted_application_keeps_nothing_from_a_form_with_errors(
    signed_in, draft, during_call
):
    signed_in.post(url("submit", draft))
    data = form_data(draft, goals="Uusi tavoite", contact_email="ei-osoite")
    response = signed_in.post(url("edit", draft), data)
    assert "Ei vielä tallennettu" in response.content.decode()
    draft.refresh_from_db()
    assert draft.goals != "Uusi tavoite"
    assert draft.versions.count() == 1


def test_business_id_is_normalised_from_an_old_six_digit_form(signed_in, draft, during_call):
    signed_in.post(url("edit", draft), form_data(draft, business_id=" 201256-6 "))
    draft.refresh_from_db()
    assert draft.business_id == "0201256-6"


def test_a_second_application_for_the_same_organisation_is_refused_without_details(
    signed_in, cohort, applicant, during_call
):
    first = ApplicationFactory(cohort=cohort, organisation_name="Salainen kunta")
    mine = Application.objects.create(cohort=cohort, applicant=applicant, state="draft")
    data = form_data(
        mine, team=[], business_id=first.business_id, organisation_name="Minun kuntani"
    )
    response = signed_in.post(url("edit", mine), data)
    html = response.content.decode()
    assert "Tälle organisaatiolle on jo tehty hakemus" in html
    assert "akatemia@example.fi" in html
    assert "Salainen kunta" not in html
    assert first.applicant.email not in html
    assert 'value="Minun kuntani"' in html
    mine.refresh_from_db()
    assert mine.business_id == ""


def test_a_withdrawn_application_does_not_hold_the_place(signed_in, cohort, applicant, during_call):
    first = ApplicationFactory(cohort=cohort, state=ApplicationState.WITHDRAWN)
    mine = Application.objects.create(cohort=cohort, applicant=applicant, state="draft")
    response = signed_in.post(
        url("edit", mine), form_data(mine, team=[], business_id=first.business_id)
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.business_id == first.business_id


def test_team_rows_are_added_changed_and_removed(signed_in, draft, during_call):
    lead, specialist = draft.team.order_by("position")
    rows = [
        {"id": lead.pk, "role": lead.role, "name": "Maija Uusinimi", "title": "", "email": ""},
        {"id": specialist.pk, "role": specialist.role, "name": specialist.name, "DELETE": "on"},
        {
            "role": TeamRole.PROCUREMENT_SPECIALIST,
            "name": "Pekka Pätevä",
            "email": "pekka@example.fi",
        },
        {"role": TeamRole.DEVELOPMENT_FINANCE, "name": "", "title": "", "email": ""},
    ]
    response = signed_in.post(url("edit", draft), form_data(draft, team=rows))
    assert response.status_code == 302
    assert list(draft.team.values_list("role", "name", "position")) == [
        ("procurement_lead", "Maija Uusinimi", 0),
        ("procurement_specialist", "Pekka Pätevä", 1),
    ]


def test_a_team_row_without_a_name_is_explained_and_kept(signed_in, draft, during_call):
    rows = [{"role": TeamRole.PROCUREMENT_SPECIALIST, "name": "", "title": "Hankinta-asiantuntija"}]
    response = signed_in.post(url("edit", draft), form_data(draft, team=rows))
    html = response.content.decode()
    assert "Tämä kenttä vaaditaan" in html
    assert 'value="Hankinta-asiantuntija"' in html
    assert ProposedMember.objects.filter(title="Hankinta-asiantuntija").count() == 0


def test_html_and_script_in_every_answer_are_shown_as_text(signed_in, draft, during_call):
    text_fields = [
        name
        for name in form_data(draft)
        if not name.startswith("team")
        and name
        not in {
            "business_id",
            "organisation_kind",
            "website",
            "contact_email",
            "procurement_volume",
            "privacy_consent",
        }
    ]
    data = form_data(draft, **dict.fromkeys(text_fields, SCRIPT))
    data.update({"team-0-name": SCRIPT, "team-0-title": SCRIPT})
    assert signed_in.post(url("edit", draft), data).status_code == 302
    for page in (url("detail", draft), url("edit", draft), url("index")):
        html = signed_in.get(page).content.decode()
        assert "<script>alert(1)" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_someone_else_cannot_start_a_second_application_for_the_same_person(
    cohort, during_call, client
):
    person = UserFactory()
    client.force_login(person)
    client.post(url("start"), {"kind": "municipality"})
    client.post(url("start"), {"kind": "parish"})
    assert Application.objects.filter(applicant=person).count() == 1


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("1,5 milj.", Decimal(1_500_000)),
        ("2 M€", Decimal(2_000_000)),
        ("1 500 000", Decimal(1_500_000)),
        ("1\u00a0500\u00a0000 €", Decimal(1_500_000)),
        ("1.500.000", Decimal(1_500_000)),
        ("125000000,00", Decimal(125_000_000)),
    ],
)
def test_the_procurement_volume_is_read_as_people_write_it(
    signed_in, draft, during_call, typed, stored
):
    response = signed_in.post(url("edit", draft), form_data(draft, procurement_volume=typed))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.procurement_volume == stored


@pytest.mark.parametrize("typed", ["1,5", "1,500", "noin miljoona", "1,5 mrd"])
def test_a_volume_that_could_be_read_two_ways_is_refused_and_kept(
    signed_in, draft, during_call, typed
):
    before = draft.procurement_volume
    response = signed_in.post(url("edit", draft), form_data(draft, procurement_volume=typed))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kirjoittakaa summa euroina, esimerkiksi 1 500 000 tai 1,5 milj." in html
    assert f'value="{typed}"' in html
    draft.refresh_from_db()
    assert draft.procurement_volume == before
