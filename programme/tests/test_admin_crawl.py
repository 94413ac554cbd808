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


def changelists() -> list[tuple[str, type]]:
    return [
        (name, model)
        for name, model, parameters in admin_pages()
        if name.endswith("_changelist") and not parameters
    ]


MALFORMED = [
    "q=%00",
    "q=a%00b",
    "p=abc",
    "p=-1",
    "o=abc",
    "o=99",
    "e=1",
    "all=%00",
    "_to_field=password",
]


def test_malformed_parameters_never_crash_an_admin_list(demo, client):
    root = UserFactory(email="root@example.fi", is_staff=True, is_superuser=True)
    client.force_login(root)
    crashed = {}
    client.raise_request_exception = False
    for name, model in changelists():
        base = reverse(f"admin:{name}")
        model_admin = admin.site._registry[model]
        filters = [f"{field}=%00" for field in _filter_parameters(model_admin)]
        filters += [f"{field}=abc" for field in _filter_parameters(model_admin)]
        for query in MALFORMED + filters:
            status = client.get(f"{base}?{query}").status_code
            if status >= 500:
                crashed[f"{base}?{query}"] = status
    assert crashed == {}


def _filter_parameters(model_admin) -> list[str]:
    names = []
    for entry in model_admin.list_filter:
        if isinstance(entry, str):
            field = entry
            names += [f"{field}__exact", f"{field}__id__exact", f"{field}__isnull"]
    return names


@pytest.mark.filterwarnings("error::django.core.paginator.UnorderedObjectListWarning")
def test_the_autocomplete_answers_malformed_requests_without_crashing(demo, client):
    client.force_login(UserFactory(email="root@example.fi", is_staff=True, is_superuser=True))
    client.raise_request_exception = False
    crashed = {}
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in OURS:
            continue
        for field in getattr(model_admin, "autocomplete_fields", ()):
            for extra in ("term=%00", "term=x&page=abc", "term=x&page=0", "term=x"):
                url = (
                    f"/admin/autocomplete/?app_label={model._meta.app_label}"
                    f"&model_name={model._meta.model_name}&field_name={field}&{extra}"
                )
                status = client.get(url).status_code
                if status >= 500:
                    crashed[url] = status
    assert crashed == {}


def test_malformed_object_ids_never_crash_an_admin_page(demo, client):
    client.force_login(UserFactory(email="root@example.fi", is_staff=True, is_superuser=True))
    client.raise_request_exception = False
    crashed = {}
    for name, _model, parameters in admin_pages():
        if not parameters:
            continue
        (parameter,) = parameters
        for bad in ("abc", "%00", "1%00", "99999999999999999999", "-1"):
            url = reverse(f"admin:{name}", kwargs={parameter: "1"}).replace("/1/", f"/{bad}/")
            status = client.get(url).status_code
            if status >= 500:
                crashed[url] = status
    assert crashed == {}
