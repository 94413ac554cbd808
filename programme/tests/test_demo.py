import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.forms.models import model_to_dict

from academy.demo import STAFF_EMAIL, STAFF_PASSWORD
from academy.models import HELSINKI, Cohort, Organisation, User
from academy.tests.factories import totp_code

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    return {
        model.__name__: sorted(
            str(sorted(model_to_dict(obj).items(), key=str)) for obj in model.objects.all()
        )
        for model in (Cohort, Organisation, User, EmailAddress)
    }


def test_load_demo_twice_changes_nothing(capsys):
    call_command("load_demo")
    first = snapshot()
    call_command("load_demo")
    assert snapshot() == first
    assert Cohort.objects.count() == 1
    assert Organisation.objects.count() >= 3


def test_load_demo_leaves_staff_edits_alone():
    call_command("load_demo")
    Cohort.objects.filter(slug="2022").update(capacity=7)
    call_command("load_demo")
    assert Cohort.objects.get(slug="2022").capacity == 7


def test_demo_cohort_has_the_real_2022_dates():
    call_command("load_demo")
    cohort = Cohort.objects.get(slug="2022")
    opens = cohort.application_opens.astimezone(HELSINKI)
    closes = cohort.application_closes.astimezone(HELSINKI)
    kickoff = cohort.kickoff_start.astimezone(HELSINKI)
    assert (opens.day, opens.month, opens.year, opens.hour) == (17, 1, 2022, 0)
    assert (closes.day, closes.month, closes.hour, closes.minute, closes.second) == (
        11,
        2,
        23,
        59,
        59,
    )
    assert (str(cohort.interviews_start), str(cohort.interviews_end)) == (
        "2022-01-31",
        "2022-02-20",
    )
    assert (kickoff.day, kickoff.month, kickoff.hour) == (16, 3, 9)
    assert cohort.kickoff_end.astimezone(HELSINKI).hour == 11
    assert cohort.capacity == 6


def test_demo_organisations_have_valid_business_ids():
    call_command("load_demo")
    for organisation in Organisation.objects.all():
        organisation.full_clean()


def test_demo_staff_user_signs_in_to_the_admin(client, settings):
    settings.DEBUG = True  # as under `make run`
    call_command("load_demo", url="http://127.0.0.1:8000/")
    staff = User.objects.get(email=STAFF_EMAIL)
    assert staff.is_staff
    assert not staff.is_superuser
    assert staff.groups.filter(name="Programme staff").exists()
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=%2Fadmin%2F"
    response = client.post(
        "/accounts/login/?next=/admin/",
        {"login": STAFF_EMAIL, "password": STAFF_PASSWORD},
        follow=True,
    )
    # The demo's staff user sets up a second factor on the first visit, as staff do,
    # confirming the password once more first.
    assert response.context["user"] == staff
    assert response.redirect_chain[-1][0] == (
        "/accounts/reauthenticate/?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F"
    )
    response = client.post(
        response.redirect_chain[-1][0], {"password": STAFF_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/accounts/2fa/totp/activate/"
    secret = client.session["mfa.totp.secret"]
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    html = client.get("/admin/").content.decode()
    assert "/admin/academy/cohort/" in html
    assert "/admin/academy/organisation/" in html


def test_with_debug_off_the_demo_login_gets_a_random_password(capsys):
    call_command("load_demo")
    printed = capsys.readouterr().out
    staff = User.objects.get(email=STAFF_EMAIL)
    assert not staff.check_password(STAFF_PASSWORD)
    password = printed.split(f"{STAFF_EMAIL} / ")[1].split()[0]
    assert staff.check_password(password)
    call_command("load_demo")
    assert "(unchanged since it was created)" in capsys.readouterr().out


def test_programme_page_from_the_demo_data(client):
    call_command("load_demo")
    html = client.get("/").content.decode()
    assert "Vähähiilisten hankintojen akatemia 2022" in html
    assert "16.3.2022 klo 9.00–11.00 (Helsingin aikaa, UTC+2)" in html


def test_load_demo_adds_applications_to_review_once():
    from applications.models import Application, Review

    call_command("load_demo")
    call_command("load_demo")
    states = sorted(Application.objects.values_list("state", flat=True))
    assert states == ["draft", "submitted", "submitted", "submitted"]
    assert Review.objects.get().reviewer.email == STAFF_EMAIL
    assert all(a.versions.count() == 1 for a in Application.objects.filter(state="submitted"))
    assert not User.objects.get(email="hakija1@example.fi").has_usable_password()
    from applications.models import Interview, InterviewSlot

    assert InterviewSlot.objects.count() == 6
    assert Interview.objects.count() == 2


def test_the_demo_plan_has_spend_to_analyse():
    from academy.demo import load_demo
    from plans.models import ActionPlan
    from plans.services.analysis import analyse
    from programme.demo import load_demo_programme

    cohort, _password = load_demo()
    load_demo_programme(cohort)
    load_demo_programme(cohort)  # again: nothing more
    analysis = analyse(ActionPlan.objects.get())
    assert analysis.total_spend > 0
    assert analysis.ranked[0].emissions > 0
    assert [row.category.code for row in analysis.without_factor] == ["electricity"]
