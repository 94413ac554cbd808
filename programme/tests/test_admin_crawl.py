"""Every page of the admin, asked for by staff who hold no permission: each answers 403.

Staff status lets a person sign in to the admin (an interviewer before their group
is given, say); what they may see there is their permissions alone. The crawl
covers the pages each model admin adds itself (exports, zips, previews, the
dashboard and the comparison), with the demo cohort's rows behind every object URL.
"""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import URLPattern, reverse

from academy.models import Cohort
from academy.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OURS = {"academy", "notifications", "applications", "assignments", "workshops", "plans"}


def admin_pages() -> list[tuple[str, type, set[str]]]:
    """(URL name, model, route parameters) of every named admin page of our models."""
    pages = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in OURS:
            continue
        for pattern in model_admin.get_urls():
            if isinstance(pattern, URLPattern) and pattern.name:
                pages.append((pattern.name, model, set(pattern.pattern.converters)))
    return pages


def url_of(name: str, model: type, parameters: set[str]) -> str | None:
    if not parameters:
        return reverse(f"admin:{name}")
    (parameter,) = parameters
    # The cohorts' comparison lives on the plan submissions' admin; every other
    # page is about its own admin's model.
    about = Cohort if name.startswith("plans_cohort_comparison") else model
    row = about._default_manager.order_by("pk").first()
    if row is None:
        return None
    return reverse(f"admin:{name}", kwargs={parameter: row.pk})


@pytest.fixture
def demo():
    call_command("load_demo")


def test_the_crawl_finds_the_exports_and_downloads():
    names = {name for name, _model, _parameters in admin_pages()}
    assert {
        "applications_application_export",
        "workshops_attendance_export",
        "assignments_assignment_zip",
        "plans_cohort_comparison_export",
        "academy_cohort_dashboard",
    } <= names


def test_staff_without_permissions_are_refused_every_page(demo, client):
    client.force_login(UserFactory(email="vain.henkilosto@example.fi", is_staff=True))
    answers, skipped = {}, []
    for name, model, parameters in admin_pages():
        url = url_of(name, model, parameters)
        if url is None:
            skipped.append(name)
            continue
        answers[name] = client.get(url).status_code
    assert len(answers) > 100
    assert {name: status for name, status in answers.items() if status != 403} == {}
    # Exports are forms, and the test mail is sent by a form: sending is refused too.
    for name in (
        "applications_application_export",
        "workshops_attendance_export",
        "notifications_outgoingemail_send_test",
    ):
        response = client.post(reverse(f"admin:{name}"), {"format": "0"})
        assert response.status_code == 403
