"""Decisions recorded quietly, applied as draft mails, confirmed or declined, published."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client

from academy.models import HELSINKI, Membership, Organisation, Participation
from academy.tests.factories import UserFactory
from applications import decisions, services
from applications.models import Application, ApplicationState
from notifications.models import EmailState, OutgoingEmail
from notifications.reminders import sweep
from notifications.services import send_drafts

from .conftest import url
from .factories import DURING_CALL, ApplicationFactory

pytestmark = pytest.mark.django_db

DECIDED_AT = dt.datetime(2022, 2, 24, 12, 0, tzinfo=HELSINKI)
SENT_AT = dt.datetime(2022, 2, 25, 9, 0, tzinfo=HELSINKI)
CONFIRM_BY = SENT_AT + dt.timedelta(days=7)
ADMIN = "/en/admin/applications/"


@pytest.fixture
def staff():
    person = UserFactory(email="henkilosto@example.fi", is_staff=True)
    person.groups.add(Group.objects.get(name="Programme staff"))
    return person


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def submitted(cohort, **kwargs):
    application = ApplicationFactory(cohort=cohort, **kwargs)
    return services.submit_application(application, by=application.applicant, now=DURING_CALL)


def apply_and_send(staff, deliver_mail):
    """Staff apply the decisions, and a day later send the drafts: the decisions are told."""
    decisions.apply_decisions(Application.objects.all(), by=staff, now=DECIDED_AT)
    with time_machine.travel(SENT_AT, tick=False), deliver_mail():
        send_drafts(OutgoingEmail.objects.filter(state=EmailState.DRAFT))


def decide(application, decision):
    Application.objects.filter(pk=application.pk).update(pending_decision=decision)


@pytest.fixture
def decided(cohort, applicant, staff):
    chosen = submitted(cohort, applicant=applicant, organisation_name="Valittu kunta")
    reserve = submitted(cohort, organisation_name="Varakunta")
    rejected = submitted(cohort, organisation_name="Hylätty kunta")
    decide(chosen, "selected")
    decide(reserve, "reserve")
    decide(rejected, "not_selected")
    OutgoingEmail.objects.all().delete()
    return chosen, reserve, rejected


def test_pending_decisions_tell_nobody_until_staff_send_the_drafts(decided, staff, deliver_mail):
    assert OutgoingEmail.objects.count() == 0
    with deliver_mail():
        applied = decisions.apply_decisions(Application.objects.all(), by=staff, now=DECIDED_AT)
    assert applied == 3
    assert mail.outbox == []
    drafts = OutgoingEmail.objects.filter(state=EmailState.DRAFT)
    assert sorted(drafts.values_list("purpose", flat=True)) == [
        "decision_not_selected",
        "decision_reserve",
        "decision_selected",
    ]
    states = dict(Application.objects.values_list("organisation_name", "state"))
    assert states == {
        "Valittu kunta": "selected",
        "Varakunta": "reserve",
        "Hylätty kunta": "not_selected",
    }
    # Applying again sends nothing more: one decision mail per organisation.
    assert decisions.apply_decisions(Application.objects.all(), by=staff, now=DECIDED_AT) == 0
    with deliver_mail():
        send_drafts(drafts)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        a.applicant.email for a in Application.objects.all()
    )


def test_the_acceptance_mail_says_action_is_required_and_links_to_the_confirmation(decided, staff):
    decisions.apply_decisions(Application.objects.all(), by=staff, now=DECIDED_AT)
    chosen = decided[0]
    selected = OutgoingEmail.objects.get(purpose="decision_selected")
    assert selected.subject.startswith("Toimenpiteitä tarvitaan: vahvistakaa osallistuminen")
    assert "7 päivän kuluessa" in selected.subject
    assert f"/applications/{chosen.public_id}/confirm/" in selected.body_text


def test_nothing_shows_before_the_decision_mails_go(signed_in, decided, staff, deliver_mail):
    decisions.apply_decisions(Application.objects.all(), by=staff, now=DECIDED_AT)
    chosen = decided[0]
    with time_machine.travel(DECIDED_AT + dt.timedelta(hours=1), tick=False):
        detail = signed_in.get(url("detail", chosen)).content.decode()
        signed_in.post(url("confirm", chosen), {"answer": "confirm"})
    assert "Tila: Lähetetty" in detail
    assert "valittu" not in detail.replace("Valittu kunta", "").lower()
    chosen.refresh_from_db()
    assert (chosen.state, chosen.confirm_by) == (ApplicationState.SELECTED, None)
    with time_machine.travel(SENT_AT, tick=False), deliver_mail():
        send_drafts(OutgoingEmail.objects.filter(state=EmailState.DRAFT))
    chosen.refresh_from_db()
    assert (chosen.decision_announced_at, chosen.confirm_by) == (SENT_AT, CONFIRM_BY)
    detail = signed_in.get(url("detail", chosen)).content.decode()
    assert "Tila: Valittu, ei vielä vahvistettu" in detail


def test_confirming_makes_the_organisation_a_participant(signed_in, decided, staff, deliver_mail):
    apply_and_send(staff, deliver_mail)
    chosen = decided[0]
    with time_machine.travel(SENT_AT + dt.timedelta(days=1), tick=False):
        page = signed_in.get(url("confirm", chosen)).content.decode()
        assert "Vahvista osallistuminen" in page
        signed_in.post(url("confirm", chosen), {"answer": "confirm"})
    chosen.refresh_from_db()
    assert chosen.state == ApplicationState.CONFIRMED
    organisation = Organisation.objects.get(business_id=chosen.business_id)
    membership = Membership.objects.get(organisation=organisation)
    assert (membership.user, membership.is_contact, membership.role) == (
        chosen.applicant,
        True,
        "procurement_lead",
    )
    assert OutgoingEmail.objects.filter(purpose="decision_confirmed_staff").count() == 1
    # The organisation takes its place in the cohort: its workspace opens.
    participation = Participation.objects.get(organisation=organisation)
    assert participation.cohort == chosen.cohort
    assert signed_in.get(f"/workspace/{participation.pk}/").status_code == 200


def test_the_confirmation_closes_at_its_deadline(signed_in, decided, staff, deliver_mail):
    apply_and_send(staff, deliver_mail)
    chosen = decided[0]
    late = CONFIRM_BY + dt.timedelta(seconds=1)
    with time_machine.travel(late, tick=False):
        signed_in.post(url("confirm", chosen), {"answer": "confirm"})
        page = signed_in.get(url("confirm", chosen)).content.decode()
    chosen.refresh_from_db()
    assert chosen.state == ApplicationState.SELECTED
    assert "akatemia@example.fi" in page
    assert Organisation.objects.count() == 0


def test_a_decline_frees_the_place_for_a_reserve(signed_in, decided, staff, cohort, deliver_mail):
    apply_and_send(staff, deliver_mail)
    chosen, reserve, _rejected = decided
    assert decisions.places_taken(cohort) == 1
    with time_machine.travel(SENT_AT + dt.timedelta(days=1), tick=False):
        signed_in.post(url("confirm", chosen), {"answer": "decline", "reason": "Resurssit"})
    chosen.refresh_from_db()
    assert chosen.state == ApplicationState.DECLINED
    assert chosen.state_changes.last().note == "Resurssit"
    assert decisions.places_taken(cohort) == 0
    assert OutgoingEmail.objects.filter(purpose="decision_declined_staff").count() == 1
    decide(reserve, "selected")
    decisions.apply_decisions(Application.objects.all(), by=staff, now=DECIDED_AT)
    reserve.refresh_from_db()
    assert reserve.state == ApplicationState.SELECTED
    assert OutgoingEmail.objects.filter(purpose="decision_selected").count() == 2


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_persons_confirmation_page_is_not_found(client, decided, staff, method):
    decisions.apply_decisions(Application.objects.all(), by=staff, now=DECIDED_AT)
    client.force_login(decided[1].applicant)
    response = getattr(client, method)(url("confirm", decided[0]), {"answer": "confirm"})
    assert response.status_code == 404
    assert Organisation.objects.count() == 0


def test_anonymous_visitors_sign_in_to_confirm(client, decided):
    response = client.get(url("confirm", decided[0]))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_the_unconfirmed_are_nudged_before_the_deadline(decided, staff, deliver_mail):
    apply_and_send(staff, deliver_mail)
    nudges = OutgoingEmail.objects.filter(purpose="decision_confirm_reminder")
    confirm_by = CONFIRM_BY
    sweep(confirm_by - dt.timedelta(days=2, seconds=1))
    assert nudges.count() == 0
    sweep(confirm_by - dt.timedelta(days=2))
    assert list(nudges.values_list("to", flat=True)) == [decided[0].applicant.email]


def test_the_public_list_shows_only_confirmed_organisations_once_published(
    client, signed_in, decided, staff, cohort, deliver_mail
):
    apply_and_send(staff, deliver_mail)
    with time_machine.travel(SENT_AT + dt.timedelta(days=1), tick=False):
        signed_in.post(url("confirm", decided[0]), {"answer": "confirm"})
    visitor = Client()
    html = visitor.get(f"/cohorts/{cohort.slug}/").content.decode()
    assert "Valittu kunta" not in html
    cohort.participants_public = True
    cohort.save()
    html = visitor.get(f"/cohorts/{cohort.slug}/").content.decode()
    assert "Valittu kunta" in html
    assert "Varakunta" not in html
    assert "Hylätty kunta" not in html


def test_staff_record_pending_decisions_in_the_list_and_see_the_capacity(
    staff_client, cohort, staff
):
    cohort.capacity = 1
    cohort.save()
    first, second = submitted(cohort), submitted(cohort)
    draft = ApplicationFactory(cohort=cohort)
    page = staff_client.get(f"{ADMIN}application/?cohort__id__exact={cohort.pk}")
    formset = page.context["cl"].formset
    data = {
        "form-TOTAL_FORMS": str(formset.total_form_count()),
        "form-INITIAL_FORMS": str(formset.initial_form_count()),
        "_save": "Save",
    }
    for index, form in enumerate(formset.forms):
        data[f"form-{index}-id"] = str(form.instance.pk)
        data[f"form-{index}-pending_decision"] = "selected"
    response = staff_client.post(f"{ADMIN}application/?cohort__id__exact={cohort.pk}", data)
    assert "Only a submitted or reserve application is decided." in response.content.decode()
    for index, form in enumerate(formset.forms):
        if form.instance.pk == draft.pk:
            data[f"form-{index}-pending_decision"] = ""
    saved = staff_client.post(f"{ADMIN}application/?cohort__id__exact={cohort.pk}", data)
    assert saved.status_code == 302
    assert set(Application.objects.exclude(pending_decision="").values_list("pk", flat=True)) == {
        first.pk,
        second.pk,
    }
    html = staff_client.get(f"{ADMIN}application/").content.decode()
    assert "2 places selected, but the capacity is 1." in html
    assert OutgoingEmail.objects.filter(purpose__startswith="decision").count() == 0
    response = staff_client.post(
        f"{ADMIN}application/",
        {"action": "apply_decisions", "_selected_action": [first.pk, second.pk]},
    )
    assert response.status_code == 302
    assert OutgoingEmail.objects.filter(purpose="decision_selected", state="draft").count() == 2


def test_confirming_does_not_take_over_an_organisation_that_has_a_contact_person(
    signed_in, decided, staff, deliver_mail
):
    from academy.tests.factories import MembershipFactory, OrganisationFactory

    chosen = decided[0]
    existing = OrganisationFactory(business_id=chosen.business_id)
    incumbent = MembershipFactory(organisation=existing, role="procurement_lead", is_contact=True)
    apply_and_send(staff, deliver_mail)
    with time_machine.travel(SENT_AT + dt.timedelta(days=1), tick=False), deliver_mail():
        signed_in.post(url("confirm", chosen), {"answer": "confirm"})
    chosen.refresh_from_db()
    assert chosen.state == ApplicationState.CONFIRMED
    assert list(existing.memberships.values_list("user", "is_contact")) == [
        (incumbent.user_id, True)
    ]
    notice = [m for m in mail.outbox if m.to == ["akatemia@example.fi"]][-1]
    assert "Organisaatiolla oli jo yhteyshenkilö" in notice.body


def test_a_reserve_selected_later_sees_it_only_when_its_new_mail_goes(
    client, decided, staff, deliver_mail
):
    apply_and_send(staff, deliver_mail)
    reserve = decided[1]
    decide(reserve, "selected")
    decisions.apply_decisions(Application.objects.all(), by=staff, now=SENT_AT)
    reserve.refresh_from_db()
    assert (reserve.state, reserve.decision_announced_at, reserve.confirm_by) == (
        ApplicationState.SELECTED,
        None,
        None,
    )
    client.force_login(reserve.applicant)
    assert "Tila: Lähetetty" in client.get(url("detail", reserve)).content.decode()
    later = SENT_AT + dt.timedelta(days=2)
    with time_machine.travel(later, tick=False), deliver_mail():
        send_drafts(OutgoingEmail.objects.filter(state=EmailState.DRAFT))
    reserve.refresh_from_db()
    assert reserve.confirm_by == later + dt.timedelta(days=7)
