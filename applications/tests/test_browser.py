"""The applicant's journey in a real browser, in Finnish, with the keyboard."""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import Page, expect

from academy.models import Cohort
from academy.tests.browser import staff_signs_in
from academy.tests.factories import CohortFactory
from applications.models import Application, ApplicationState
from notifications.models import OutgoingEmail

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def open_call(live_server):
    # The browser keeps its own real clock for cookies, so the window is placed
    # around the present instead of pinning the server's clock to 2022.
    now = timezone.now()
    CohortFactory(
        name="Vähähiilisten hankintojen akatemia",
        slug="akatemia",
        year=now.year,
        application_opens=now - dt.timedelta(days=7),
        application_closes=now + dt.timedelta(days=14),
        interviews_start=(now + dt.timedelta(days=3)).date(),
        interviews_end=(now + dt.timedelta(days=20)).date(),
        decisions_on=(now + dt.timedelta(days=25)).date(),
        kickoff_start=now + dt.timedelta(days=40),
        kickoff_end=now + dt.timedelta(days=40, hours=2),
        ends_on=(now + dt.timedelta(days=200)).date(),
    )
    return live_server.url


def type_into(page: Page, selector: str, text: str) -> None:
    page.locator(selector).focus()
    page.keyboard.type(text)


def sign_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(base + "/accounts/login/")
    type_into(page, "#id_login", email)
    type_into(page, "#id_password", password)
    page.keyboard.press("Enter")
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def verification_code(address: str) -> str:
    body = OutgoingEmail.objects.filter(to=address).latest("queued_at").body_text
    return re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", body, re.MULTILINE).group(1)


def sign_up(page: Page, address: str, assert_accessible) -> None:
    """Sign up from the sign-in page and type the e-mailed code: the person is then signed in."""
    page.get_by_role("link", name="rekisteröidy").click()
    type_into(page, "#id_email", address)
    type_into(page, "#id_name", "Hanna Hakija")
    type_into(page, "#id_password1", "vahva-salasana-2022")
    type_into(page, "#id_password2", "vahva-salasana-2022")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("vahvistuskoodi")
    assert_accessible(page)
    type_into(page, "#id_code", verification_code(address))
    page.keyboard.press("Enter")


def test_an_organisation_applies_saves_a_draft_comes_back_and_submits(
    page: Page, open_call, assert_accessible, csp_violations
):
    address = "hanna.hakija@esimerkkila.fi"
    page.goto(open_call + "/")
    page.get_by_role("link", name="Hae akatemiaan").click()
    sign_up(page, address, assert_accessible)

    # Signed in, the person is where they were going: the eligibility question comes first.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hae:")
    assert_accessible(page)
    page.get_by_label("Kunta", exact=True).focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Jatka hakulomakkeeseen").focus()
    page.keyboard.press("Enter")

    # Part of the form, then a draft.
    expect(page.get_by_role("heading", level=1, name="Hakulomake")).to_be_visible()
    type_into(page, "#id_organisation_name", "Esimerkkilän kaupunki")
    type_into(page, "#id_business_id", "0201256-6")
    type_into(page, "#id_region", "Pirkanmaa")
    type_into(page, "#id_motivation", "Haluamme vähentää hankintojen päästöjä.")
    page.get_by_role("button", name="Tallenna luonnos").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Luonnoksesi on tallennettu.")).to_be_visible()
    expect(page.locator("#checklist-heading")).to_be_visible()
    assert_accessible(page)

    # Away and back: the draft is waiting, with what is still missing.
    page.goto(open_call + "/")
    page.get_by_role("link", name="Hakemukset").click()
    page.get_by_role("link", name="Esimerkkilän kaupunki").click()
    expect(page.get_by_text("Täytä: tehtävänimike").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Muokkaa vastauksia").click()
    expect(page.locator("#id_motivation")).to_have_value("Haluamme vähentää hankintojen päästöjä.")

    type_into(page, "#id_contact_title", "Hankintapäällikkö")
    type_into(page, "#id_contact_phone", "040 123 4567")
    type_into(page, "#id_team-0-name", "Maija Meikäläinen")
    page.locator("#id_team-1-role").focus()
    page.locator("#id_team-1-role").select_option("sustainability_specialist")
    type_into(page, "#id_team-1-name", "Ville Vastuullinen")
    type_into(page, "#id_goals", "Toimintamalli ja kaksi kategoriasuunnitelmaa.")
    type_into(page, "#id_climate_targets", "Hiilineutraali 2030.")
    type_into(page, "#id_procurement_strategy", "Vastuullisuus on strategiassa.")
    type_into(page, "#id_earlier_work", "Ympäristökriteerit ruokapalveluissa.")
    type_into(page, "#id_procurement_volume", "125000000")
    type_into(page, "#id_main_categories", "Rakentaminen, ruoka, ICT")
    type_into(page, "#id_pilot_candidate", "Koulukeskuksen peruskorjaus")
    type_into(page, "#id_approver_name", "Kaisa Kaupunginjohtaja")
    type_into(page, "#id_approver_title", "Kaupunginjohtaja")
    page.locator("#id_privacy_consent").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Tallenna ja siirry lähettämään").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_text("Kaikki vastaukset on täytetty")).to_be_visible()
    submit = page.get_by_role("button", name="Lähetä hakemus").first
    submit.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text(f"Vahvistus on lähetetty osoitteeseen {address}")).to_be_visible()
    expect(page.get_by_role("heading", name="Tila: Lähetetty")).to_be_visible()
    assert_accessible(page)
    assert csp_violations == []

    application = Application.objects.get()
    assert application.state == ApplicationState.SUBMITTED
    assert [(m.role, m.name) for m in application.team.all()] == [
        ("procurement_lead", "Maija Meikäläinen"),
        ("sustainability_specialist", "Ville Vastuullinen"),
    ]
    confirmation = OutgoingEmail.objects.get(purpose="application_submitted", to=address)
    year = Cohort.objects.get().year
    assert confirmation.subject == (
        f"Hakemus vastaanotettu: Esimerkkilän kaupunki – Vähähiilisten hankintojen akatemia {year}"
    )
    assert "Koulukeskuksen peruskorjaus" in confirmation.body_text
    assert OutgoingEmail.objects.filter(purpose="application_received").count() == 1


def test_the_eligibility_answer_other_explains_and_passes_axe(
    page: Page, open_call, assert_accessible, django_user_model
):
    user = django_user_model.objects.create_user("seura@example.fi", "salasana-2022", name="Seura")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    page.goto(open_call + "/accounts/login/?next=/apply/")
    type_into(page, "#id_login", "seura@example.fi")
    type_into(page, "#id_password", "salasana-2022")
    page.keyboard.press("Enter")
    page.get_by_label("Muun tyyppinen organisaatio").check()
    page.get_by_role("button", name="Jatka hakulomakkeeseen").click()
    expect(
        page.get_by_role("heading", name="Organisaationne ei voi hakea ohjelmaan")
    ).to_be_visible()
    assert_accessible(page)
    assert Application.objects.count() == 0


def test_staff_score_an_application_in_the_admin(
    page: Page, live_server, open_call, csp_violations
):
    from academy.tests.factories import UserFactory
    from applications import services

    from .factories import ApplicationFactory

    application = ApplicationFactory(
        cohort=Cohort.objects.get(), organisation_name="Esimerkkilän kaupunki"
    )
    services.submit_application(application, by=application.applicant, now=timezone.now())
    # A superuser: earlier browser tests flush the tables, the migration's staff group included.
    staff = UserFactory(
        email="arvioija@example.fi", is_staff=True, is_superuser=True, password="arvioija-2022"
    )
    staff_signs_in(page, live_server.url, staff, "arvioija-2022", language="en")
    page.goto(f"{live_server.url}/en/admin/applications/application/{application.pk}/change/")
    expect(page.get_by_text("Koulukeskuksen peruskorjaus")).to_be_visible()
    page.get_by_role("link", name="Score this application or change your scores").click()
    for index in range(4):
        page.locator(f"#id_scores-{index}-value").fill(str(index + 2))
    page.locator("#id_scores-0-comment").fill("Johto on sitoutunut.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    page.goto(live_server.url + "/en/admin/applications/application/")
    # (2·2 + 3·1.5 + 4·1 + 5·1.5) / 6 = 3.33
    expect(page.locator("td.field-score_display")).to_have_text("3.33")
    assert csp_violations == []


@pytest.mark.parametrize("name", ["index", "detail", "edit", "withdraw", "interview", "team"])
def test_the_applicant_pages_reflow_on_a_narrow_screen(
    page: Page, live_server, open_call, django_user_model, name
):
    """WCAG 2.1 1.4.10: no sideways scrolling of the page at 320 CSS pixels."""
    from django.urls import reverse

    from .factories import ApplicationFactory

    user = django_user_model.objects.create_user("kapea@example.fi", "kapea-2022", name="Kapea")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    application = ApplicationFactory(cohort=Cohort.objects.get(), applicant=user)
    page.set_viewport_size({"width": 320, "height": 800})
    sign_in(page, open_call, user.email, "kapea-2022")
    if name == "team":
        from academy.tests.factories import MembershipFactory

        membership = MembershipFactory(user=user, role="procurement_lead", is_contact=True)
        path = reverse("programme:team", kwargs={"organisation_id": membership.organisation_id})
    else:
        kwargs = {} if name == "index" else {"public_id": application.public_id}
        path = reverse(f"applications:{name}", kwargs=kwargs)
    page.goto(open_call + path)
    expect(page.locator("h1")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_a_refused_save_moves_focus_to_the_error_summary(
    page: Page, live_server, open_call, django_user_model, assert_accessible
):
    from django.urls import reverse

    from .factories import ApplicationFactory

    user = django_user_model.objects.create_user("virhe@example.fi", "virhe-2022", name="Virhe")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    application = ApplicationFactory(cohort=Cohort.objects.get(), applicant=user)
    sign_in(page, open_call, user.email, "virhe-2022")
    page.goto(open_call + reverse("applications:edit", kwargs={"public_id": application.public_id}))
    page.locator("#id_business_id").fill("1234567-8")
    page.locator("#id_goals").fill("Uusi tavoite")
    page.get_by_role("button", name="Tallenna luonnos").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_contain_text("Y-tunnus")
    expect(page.locator("#id_business_id")).to_have_value("1234567-8")
    assert_accessible(page)
    application.refresh_from_db()
    assert application.goals == "Uusi tavoite"


def test_an_applicant_books_moves_cancels_and_books_again(
    page: Page, live_server, open_call, django_user_model, assert_accessible, csp_violations
):
    from applications import interviews, services

    from .factories import ApplicationFactory

    user = django_user_model.objects.create_user("varaaja@example.fi", "varaaja-2022", name="Vilma")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    cohort = Cohort.objects.get()
    application = ApplicationFactory(
        cohort=cohort, applicant=user, organisation_name="Varaajan kunta"
    )
    services.submit_application(application, by=user, now=timezone.now())
    first_day = timezone.localdate() + dt.timedelta(days=3)
    slots, _skipped = interviews.generate_slots(
        cohort,
        first_day=first_day,
        last_day=first_day + dt.timedelta(days=1),
        day_starts=dt.time(9, 0),
        day_ends=dt.time(11, 0),
        length=dt.timedelta(minutes=45),
        buffer=dt.timedelta(minutes=15),
        weekdays_only=False,
        meeting_url="https://meet.example.fi/akatemia",
    )
    sign_in(page, open_call, user.email, "varaaja-2022")
    page.get_by_role("link", name="Hakemukset").click()
    page.get_by_role("link", name="Varaajan kunta").click()
    page.get_by_role("link", name="Varaa haastatteluaika").click()
    assert_accessible(page)

    page.get_by_label(str(slots[0])).focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Varaa tämä aika").click()
    expect(page.get_by_text("Haastattelunne on varattu")).to_be_visible()
    expect(page.get_by_role("heading", name="Haastattelunne")).to_be_visible()
    assert_accessible(page)

    page.get_by_label(str(slots[2])).check()
    page.get_by_role("button", name="Siirrä haastattelu").click()
    expect(page.locator("#booked-heading + p")).to_have_text(str(slots[2]))

    page.get_by_role("link", name="Peru haastattelu").click()
    assert_accessible(page)
    page.get_by_role("button", name="Peru haastattelu").click()
    expect(page.get_by_text("Haastattelunne on peruttu")).to_be_visible()

    page.get_by_label(str(slots[1])).check()
    page.get_by_role("button", name="Varaa tämä aika").click()
    expect(page.locator("#booked-heading + p")).to_have_text(str(slots[1]))
    assert csp_violations == []

    sent = list(
        OutgoingEmail.objects.filter(to=user.email, purpose__startswith="interview")
        .order_by("pk")
        .values_list("purpose", flat=True)
    )
    assert sent == [
        "interview_booked",
        "interview_moved",
        "interview_cancelled",
        "interview_booked",
    ]


def test_staff_decide_send_the_drafts_and_the_selected_organisation_confirms(
    browser,
    live_server,
    open_call,
    django_user_model,
    assert_accessible,
    csp_violations,
    eager_celery,
):
    from applications import services
    from notifications.models import EmailState

    from .factories import ApplicationFactory

    cohort = Cohort.objects.get()
    cohort.capacity = 1
    cohort.save()
    applicant = django_user_model.objects.create_user(
        "valittu@example.fi", "valittu-2022", name="Veera"
    )
    EmailAddress.objects.create(user=applicant, email=applicant.email, verified=True, primary=True)
    chosen = ApplicationFactory(
        cohort=cohort, applicant=applicant, organisation_name="Valittu kunta"
    )
    other = ApplicationFactory(cohort=cohort, organisation_name="Toinen kunta")
    for application in (chosen, other):
        services.submit_application(application, by=application.applicant, now=timezone.now())
    root = django_user_model.objects.create_superuser("paakayttaja@example.fi", "paakayttaja-2022")
    OutgoingEmail.objects.all().delete()

    staff = browser.new_page()
    staff_signs_in(staff, live_server.url, root, "paakayttaja-2022", language="en")
    staff.goto(live_server.url + "/en/admin/applications/application/")
    rows = staff.locator("#result_list tbody tr")
    rows.filter(has_text="Valittu kunta").locator("select[name$='pending_decision']").select_option(
        "selected"
    )
    rows.filter(has_text="Toinen kunta").locator("select[name$='pending_decision']").select_option(
        "not_selected"
    )
    staff.get_by_role("button", name="Save").click()
    expect(staff.get_by_text("1 of 1 places selected")).to_be_visible()
    assert OutgoingEmail.objects.count() == 0

    staff.locator("#action-toggle").check()
    staff.locator("select[name='action']").select_option("apply_decisions")
    staff.get_by_role("button", name="Go").click()
    staff.get_by_role("link", name="Review and send them").click()
    drafts = OutgoingEmail.objects.filter(state=EmailState.DRAFT)
    assert sorted(drafts.values_list("purpose", flat=True)) == [
        "decision_not_selected",
        "decision_selected",
    ]
    staff.locator("#action-toggle").check()
    staff.locator("select[name='action']").select_option("send_drafts")
    staff.get_by_role("button", name="Go").click()
    assert not OutgoingEmail.objects.filter(state=EmailState.DRAFT).exists()
    assert csp_violations == []
    # Celery runs in the server here (eager_celery): the mails have gone, the decisions are told.
    assert (
        OutgoingEmail.objects.filter(purpose__startswith="decision", state=EmailState.SENT).count()
        == 2
    )

    page = browser.new_page()
    acceptance = OutgoingEmail.objects.get(purpose="decision_selected")
    link = re.search(r"https?://\S+/confirm/", acceptance.body_text).group(0)
    page.goto(open_call + "/accounts/login/?next=" + urlsplit(link).path)
    type_into(page, "#id_login", applicant.email)
    type_into(page, "#id_password", "valittu-2022")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Päätös: Valittu kunta")
    assert_accessible(page)
    page.get_by_role("button", name="Vahvista osallistuminen").click()
    expect(page.get_by_text("Tervetuloa ohjelmaan!").first).to_be_visible()

    cohort.participants_public = True
    cohort.save()
    page.goto(open_call + "/")
    participants = page.locator("#participants-heading + ul")
    expect(participants).to_have_text("Valittu kunta (Pirkanmaa)")
    assert_accessible(page)


def test_the_contact_person_invites_a_member_who_signs_up_and_accepts(
    browser, live_server, open_call, django_user_model, assert_accessible, csp_violations
):
    from academy.models import Membership, TeamRole
    from academy.tests.factories import MembershipFactory

    contact_person = django_user_model.objects.create_user(
        "yhteys@example.fi", "yhteys-2022", name="Ylva"
    )
    EmailAddress.objects.create(
        user=contact_person, email=contact_person.email, verified=True, primary=True
    )
    contact = MembershipFactory(
        user=contact_person, role=TeamRole.PROCUREMENT_LEAD, is_contact=True
    )
    page = browser.new_page()
    sign_in(page, open_call, contact_person.email, "yhteys-2022")
    page.goto(open_call + f"/teams/{contact.organisation_id}/")
    assert_accessible(page)
    type_into(page, "#id_email", "uusi.jasen@example.fi")
    page.get_by_label("Rooli").select_option("sustainability_specialist")
    page.get_by_role("button", name="Lähetä kutsu").click()
    expect(
        page.get_by_text("Kutsu on lähetetty osoitteeseen uusi.jasen@example.fi")
    ).to_be_visible()

    invitation_mail = OutgoingEmail.objects.get(purpose="team_invitation")
    link = urlsplit(re.search(r"https?://\S+/invitations/\S+/", invitation_mail.body_text).group(0))
    invitee = browser.new_page()
    invitee.goto(open_call + link.path)
    invitee.get_by_role("link", name="rekisteröidy").click()
    type_into(invitee, "#id_email", "uusi.jasen@example.fi")
    type_into(invitee, "#id_name", "Uusi Jäsen")
    type_into(invitee, "#id_password1", "uusi-jasen-2022")
    type_into(invitee, "#id_password2", "uusi-jasen-2022")
    invitee.keyboard.press("Enter")
    expect(invitee.get_by_role("heading", level=1)).to_contain_text("vahvistuskoodi")
    type_into(invitee, "#id_code", verification_code("uusi.jasen@example.fi"))
    invitee.keyboard.press("Enter")
    expect(invitee.get_by_role("heading", level=1)).to_contain_text("Kutsu organisaation")
    assert_accessible(invitee)
    invitee.get_by_role("button", name="Hyväksy kutsu").click()
    expect(invitee.get_by_text("Tervetuloa organisaation")).to_be_visible()
    expect(invitee.get_by_role("cell", name="uusi.jasen@example.fi")).to_be_visible()
    membership = Membership.objects.get(user__email="uusi.jasen@example.fi")
    assert (membership.organisation_id, membership.role) == (
        contact.organisation_id,
        "sustainability_specialist",
    )
    assert csp_violations == []
