import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from academy.models import HELSINKI
from academy.tests.factories import CohortFactory

pytestmark = pytest.mark.django_db


def page(client, language: str, when: dt.datetime, path: str = "programme:programme") -> str:
    with translation.override(language):
        url = reverse(path)
    with time_machine.travel(when, tick=False):
        response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Language"] == language
    return response.content.decode()


@pytest.fixture
def cohort():
    return CohortFactory(name="Vähähiilisten hankintojen akatemia 2022", slug="2022")


DURING_CALL = dt.datetime(2022, 1, 24, 12, 0, tzinfo=HELSINKI)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "fi",
            [
                '<html lang="fi">',
                "17.1.2022 klo 0.00 (Helsingin aikaa, UTC+2)",
                "11.2.2022 klo 23.59.59 (Helsingin aikaa, UTC+2)",
                "16.3.2022 klo 9.00–11.00 (Helsingin aikaa, UTC+2)",
                "31.1.2022",
                "20.2.2022",
                "Aikataulu",
            ],
        ),
        (
            "sv",
            [
                '<html lang="sv">',
                "17 januari 2022 00:00 (Helsingforstid, UTC+2)",
                "11 februari 2022 23:59:59 (Helsingforstid, UTC+2)",
                "16 mars 2022 09:00–11:00 (Helsingforstid, UTC+2)",
                "Tidtabell",
            ],
        ),
        (
            "en",
            [
                '<html lang="en">',
                "Jan. 17, 2022, midnight (Helsinki time, UTC+2)",
                "Feb. 11, 2022, 23:59:59 (Helsinki time, UTC+2)",
                "March 16, 2022, 9 a.m.–11 a.m. (Helsinki time, UTC+2)",
                "Timeline",
            ],
        ),
    ],
)
def test_programme_page_shows_the_2022_timeline_in_helsinki_time(
    client, cohort, language, expected
):
    html = page(client, language, DURING_CALL)
    for text in expected:
        assert text in html


def test_programme_page_is_finnish_at_the_root(client, cohort):
    html = page(client, "fi", DURING_CALL)
    assert "Vähähiilisten hankintojen akatemia" in html
    assert "Siirry sisältöön" in html


@pytest.mark.parametrize(
    ("when", "apply_button", "phase_text"),
    [
        (dt.datetime(2022, 1, 10, 12, 0, tzinfo=HELSINKI), False, "Upcoming"),
        (DURING_CALL, True, "Applications open"),
        (dt.datetime(2022, 2, 11, 23, 59, 59, tzinfo=HELSINKI), True, "Applications open"),
        (dt.datetime(2022, 2, 12, 0, 0, 0, tzinfo=HELSINKI), False, "Interviews and selection"),
        (dt.datetime(2022, 5, 2, 10, 0, tzinfo=HELSINKI), False, "Programme running"),
        (dt.datetime(2023, 1, 2, 10, 0, tzinfo=HELSINKI), False, "Finished"),
    ],
)
def test_call_to_apply_shows_only_while_the_window_is_open(
    client, cohort, when, apply_button, phase_text
):
    html = page(client, "en", when)
    assert ("Apply to the academy" in html) is apply_button
    assert phase_text in html


def test_programme_page_names_who_may_apply_and_the_team_roles(client, cohort):
    html = page(client, "en", DURING_CALL)
    for text in [
        "municipalities",
        "joint municipal authorities",
        "state agencies and institutions",
        "parishes",
        "Person responsible for procurement",
        "Sustainability or responsibility specialist or manager",
        "6 organisations are selected",
    ]:
        assert text in html


def test_cohort_description_is_shown_in_the_page_language(client):
    CohortFactory(
        description_fi="Suomeksi kuvaus.", description_sv="", description_en="In English."
    )
    assert "In English." in page(client, "en", DURING_CALL)
    # No Swedish text yet: the Finnish one stands in.
    assert "Suomeksi kuvaus." in page(client, "sv", DURING_CALL)


def test_a_named_cohort_has_its_own_page_and_an_unknown_one_is_404(client, cohort):
    response = client.get(reverse("programme:cohort", args=["2022"]))
    assert response.status_code == 200
    assert response.context["cohort"] == cohort
    assert client.get(reverse("programme:cohort", args=["1999"])).status_code == 404


def test_without_any_cohort_the_programme_page_is_404(client):
    assert client.get(reverse("programme:programme")).status_code == 404


@pytest.mark.parametrize("name", ["programme:accessibility", "programme:privacy"])
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_statement_pages_answer_in_each_language(client, cohort, name, language):
    html = page(client, language, DURING_CALL, path=name)
    assert cohort.contact_email in html


def test_accessibility_statement_names_the_supervising_authority(client, cohort):
    html = page(client, "fi", DURING_CALL, path="programme:accessibility")
    assert "Liikenne- ja viestintävirasto Traficom" in html
    assert "saavutettavuusvaatimukset.fi" in html


@pytest.mark.parametrize(
    "path", ["/", "/sv/accessibility/", "/en/privacy/", "/accounts/login/", "/accounts/signup/"]
)
def test_pages_load_nothing_from_third_parties_and_nothing_inline(client, cohort, path):
    with time_machine.travel(DURING_CALL, tick=False):
        response = client.get(path)
    html = response.content.decode()
    # Every script, stylesheet and icon comes from this origin.
    for url in re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html):
        assert url.startswith("/"), url
        assert not url.startswith("//"), url
    assert re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", html) == []  # no inline scripts
    assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers
    assert " style=" not in html
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_unknown_address_gets_a_translated_page_not_found(client, cohort, language):
    prefix = "" if language == "fi" else f"/{language}"
    response = client.get(f"{prefix}/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert 'href="#main"' in html


def test_summer_times_are_shown_with_the_summer_offset():
    from django.template import Context, Template

    moment = dt.datetime(2022, 6, 15, 9, 0, tzinfo=HELSINKI)
    template = Template("{% load academy_tags %}{{ moment|helsinki }}")
    with translation.override("fi"):
        assert template.render(Context({"moment": moment})) == (
            "15.6.2022 klo 9.00 (Helsingin aikaa, UTC+3)"
        )


def test_the_info_session_and_its_recording_request_are_on_the_programme_page(client, cohort):
    from academy.tests.programme import SessionFactory
    from workshops.models import SessionKind, SessionState

    info = SessionFactory(
        cohort=cohort,
        kind=SessionKind.INFO,
        title="Infotilaisuus",
        starts_at=dt.datetime(2022, 1, 24, 13, 0, tzinfo=HELSINKI),
        ends_at=dt.datetime(2022, 1, 24, 14, 30, tzinfo=HELSINKI),
        online_url="https://meet.example.fi/info",
        state=SessionState.PUBLISHED,
    )
    before = page(client, "fi", DURING_CALL)
    assert "24.1.2022 klo 13.00–14.30" in before
    assert 'href="https://meet.example.fi/info"' in before
    assert f'href="/info-session/{info.pk}/recording/"' in before
    after = page(client, "fi", dt.datetime(2022, 1, 25, 9, 0, tzinfo=HELSINKI))
    # Once it is over, the meeting link goes and the recording request stays.
    assert 'href="https://meet.example.fi/info"' not in after
    assert f'href="/info-session/{info.pk}/recording/"' in after


def test_a_draft_info_session_is_not_shown(client, cohort):
    from academy.tests.programme import SessionFactory
    from workshops.models import SessionKind

    SessionFactory(cohort=cohort, kind=SessionKind.INFO, title="Luonnos")
    assert "/recording/" not in page(client, "fi", DURING_CALL)


def test_the_privacy_notice_names_the_processors_and_the_periods_the_code_keeps(client, settings):
    settings.DATA_PROCESSORS = ["Hosting: Example Cloud Oy, Helsinki", "E-mail: Example Mail Oy"]
    settings.AUDIT_LOG_KEEP_DAYS = 400
    html = client.get("/en/privacy/").content.decode()
    assert "<li>Hosting: Example Cloud Oy, Helsinki</li>" in html
    assert "<li>E-mail: Example Mail Oy</li>" in html
    assert "the record of the pages staff opened: 400 days." in html
    assert "6 months after the decision" in html
    settings.DATA_PROCESSORS = []
    assert "Processors:" not in client.get("/en/privacy/").content.decode()
