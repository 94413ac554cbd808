"""A fixed number of queries, however many files and organisations; the dashboard's overdue mark."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.text import slugify

from academy.tests.factories import CohortFactory
from academy.tests.programme import (
    PDF,
    AssignmentFactory,
    ParticipationFactory,
    SessionFactory,
    member,
    pdf_upload,
    stored_pdf,
    template_for,
)
from assignments import services
from plans.tests.cohort_plans import worked_plan
from workshops import services as session_services
from workshops.models import Attendance

from .support import AFTER_DUE, BEFORE_DUE, SENT

pytestmark = pytest.mark.django_db


def queries(client, url, when) -> int:
    with time_machine.travel(when, tick=False), CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def fill(assignment, organisation, people, staff, *, files: int, replaced: int, feedback: int):
    """Current files, earlier versions and feedback with two files each, from several people."""
    with time_machine.travel(BEFORE_DUE, tick=False):
        submission = services.submission_for(assignment, organisation)
        for n in range(files):
            person = people[n % len(people)]
            item = services.upload(
                submission, pdf_upload(f"Tiedosto {n}.pdf"), by=person, now=BEFORE_DUE
            )
            if n < replaced:
                services.upload(
                    submission,
                    pdf_upload(f"Tiedosto {n} v2.pdf", PDF + b"%v2\n"),
                    by=person,
                    now=BEFORE_DUE,
                    replaces=item.pk,
                )
        for n in range(feedback):
            services.give_feedback(
                submission,
                author=staff,
                text=f"Palaute {n}",
                files=[stored_pdf(f"Palaute {n}a.pdf"), stored_pdf(f"Palaute {n}b.pdf")],
            )
    return submission


def test_the_page_s_queries_do_not_grow_with_its_files(
    client, assignment, ours, theirs, contact, colleague, outsider, staff
):
    other_member = member(theirs, "toinen@toisenla.fi", name="Toivo Toinen")
    template_for(assignment, "Pohja 1")
    fill(assignment, ours.organisation, [contact], staff, files=1, replaced=1, feedback=1)
    fill(
        assignment,
        theirs.organisation,
        [outsider, other_member],
        staff,
        files=12,
        replaced=5,
        feedback=3,
    )
    template_for(assignment, "Pohja 2")
    template_for(assignment, "Pohja 3")
    client.force_login(contact)
    few = queries(client, f"/en/workspace/{ours.pk}/pre-assignment/", BEFORE_DUE)
    client.force_login(outsider)
    many = queries(client, f"/en/workspace/{theirs.pk}/pre-assignment/", BEFORE_DUE)
    assert many == few


def test_the_page_shows_all_twelve_files(client, assignment, theirs, outsider, staff):
    fill(assignment, theirs.organisation, [outsider], staff, files=12, replaced=5, feedback=3)
    client.force_login(outsider)
    with time_machine.travel(BEFORE_DUE, tick=False):
        html = client.get(f"/en/workspace/{theirs.pk}/pre-assignment/").content.decode()
    files_section, history = html.split("Earlier versions")
    assert files_section.count("/en/files/") == 12
    assert history.split("</section>")[0].count("/en/files/") == 5
    assert html.count("Palaute ") >= 3 + 6


# The staff dashboard.


def organisations(cohort, assignment, staff, count: int) -> list:
    """Participating organisations, each with two members, a submission, files and a plan."""
    found = []
    for n in range(count):
        participation = ParticipationFactory(cohort=cohort, organisation__name=f"Kunta {n:02}")
        people = [
            member(participation, f"a{n}@kunta{n}.fi", contact=True, name=f"A {n}"),
            member(participation, f"b{n}@kunta{n}.fi", name=f"B {n}"),
        ]
        submission = fill(
            assignment, participation.organisation, people, staff, files=2, replaced=1, feedback=0
        )
        if n % 2:
            with time_machine.travel(BEFORE_DUE, tick=False):
                services.finalise(submission, by=people[0], now=BEFORE_DUE)
        worked_plan(participation)
        found.append(participation)
    return found


def kickoff_with_attendance(cohort):
    kickoff = SessionFactory(cohort=cohort)
    with time_machine.travel(BEFORE_DUE, tick=False):
        session_services.publish(kickoff)
    Attendance.objects.filter(session=kickoff, user__email__startswith="a").update(attended=True)
    Attendance.objects.filter(session=kickoff, user__email__startswith="b").update(attended=False)
    return kickoff


def dashboard_url(cohort) -> str:
    return f"/en/admin/academy/cohort/{cohort.pk}/dashboard/"


def dashboard_for(count: int, staff, name: str):
    """A cohort of its own, with a sent pre-assignment and a published kick-off."""
    cohort = CohortFactory(name=name, slug=slugify(name), year=2022)
    assignment = AssignmentFactory(cohort=cohort, sent_at=SENT)
    organisations(cohort, assignment, staff, count)
    kickoff_with_attendance(cohort)
    return cohort


def test_the_dashboard_s_queries_do_not_grow_with_the_organisations(client, staff):
    small = dashboard_for(1, staff, "Pieni akatemia")
    large = dashboard_for(7, staff, "Suuri akatemia")
    client.force_login(staff)
    few = queries(client, dashboard_url(small), AFTER_DUE)
    many = queries(client, dashboard_url(large), AFTER_DUE)
    assert many == few


def test_the_dashboard_shows_every_organisation_s_standing(client, staff):
    cohort = dashboard_for(7, staff, "Suuri akatemia")
    client.force_login(staff)
    with time_machine.travel(AFTER_DUE, tick=False):
        html = client.get(dashboard_url(cohort)).content.decode()
    for n in range(7):
        assert f"Kunta {n:02}" in html
    assert html.count("Submitted</a>") == 3
    assert html.count("Overdue</a>") == 4


def row_of(html: str, name: str) -> str:
    """The dashboard's pre-assignment cell of one organisation."""
    row = next(row for row in html.split("<tr>") if f">{name}</a></th>" in row)
    return row.split("</th>", 1)[1].split("</td>", 1)[0]


@pytest.fixture
def overdue_and_on_time(assignment, ours, theirs, contact, outsider):
    """Ours has files but has not submitted; theirs submitted on time."""
    with time_machine.travel(BEFORE_DUE, tick=False):
        services.upload(
            services.submission_for(assignment, ours.organisation),
            pdf_upload(),
            by=contact,
            now=BEFORE_DUE,
        )
        done = services.submission_for(assignment, theirs.organisation)
        services.upload(done, pdf_upload(), by=outsider, now=BEFORE_DUE)
        services.finalise(done, by=outsider, now=BEFORE_DUE)


def test_the_dashboard_marks_an_overdue_organisation_and_not_one_on_time(
    client, cohort, staff, overdue_and_on_time
):
    client.force_login(staff)
    with time_machine.travel(AFTER_DUE, tick=False):
        html = client.get(dashboard_url(cohort)).content.decode()
    overdue = row_of(html, "Esimerkkilän kaupunki")
    on_time = row_of(html, "Toisenlan kunta")
    assert overdue.startswith('\n    <td class="overdue">')
    assert "<strong>overdue</strong>" in overdue
    assert 'class="overdue"' not in on_time
    assert "Submitted</a>" in on_time


def test_nothing_is_overdue_before_the_due_date(client, cohort, staff, overdue_and_on_time):
    client.force_login(staff)
    with time_machine.travel(BEFORE_DUE, tick=False):
        html = client.get(dashboard_url(cohort)).content.decode()
    assert 'class="overdue"' not in row_of(html, "Esimerkkilän kaupunki")
    assert "In progress</a>" in row_of(html, "Esimerkkilän kaupunki")


def test_an_extension_keeps_an_organisation_off_the_overdue_list(
    client, cohort, assignment, ours, staff, overdue_and_on_time
):
    assignment.submissions.filter(organisation=ours.organisation).update(
        extended_due_at=AFTER_DUE + dt.timedelta(days=2)
    )
    client.force_login(staff)
    with time_machine.travel(AFTER_DUE, tick=False):
        html = client.get(dashboard_url(cohort)).content.decode()
    assert 'class="overdue"' not in row_of(html, "Esimerkkilän kaupunki")
