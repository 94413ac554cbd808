"""The audit log: what staff open is recorded, and only superusers read it."""

import pytest
from django.core.management import call_command

from academy.models import AuditAction, AuditRecord, Participation
from academy.tests.factories import UserFactory
from academy.tests.programme import staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo")


def test_what_staff_open_and_download_is_recorded(client, demo):
    staff = staff_user()
    client.force_login(staff)
    participation = Participation.objects.first()
    client.get("/admin/applications/application/?q=kunta")
    client.get(f"/workspace/{participation.pk}/")
    client.post("/admin/applications/application/export/", {"format": "1", "resource": "0"})
    records = list(AuditRecord.objects.order_by("pk"))
    assert [(r.view, r.path, r.user_email) for r in records[:2]] == [
        (
            "admin:applications_application_changelist",
            "/admin/applications/application/?q=kunta",
            staff.email,
        ),
        ("programme:workspace", f"/workspace/{participation.pk}/", staff.email),
    ]
    assert records[0].action == AuditAction.VIEW
    assert records[2].view == "admin:applications_application_export"
    assert records[2].action in {AuditAction.DOWNLOAD, AuditAction.SEND}


def test_participants_and_signing_in_are_not_recorded(client, demo):
    client.force_login(UserFactory(email="osallistuja2@example.fi"))
    client.get("/profile/")
    client.logout()
    client.get("/accounts/login/")
    assert not AuditRecord.objects.exists()


def test_the_record_stays_when_the_account_goes(client, demo):
    staff = staff_user()
    client.force_login(staff)
    client.get("/admin/academy/organisation/")
    staff.delete()
    record = AuditRecord.objects.get()
    assert record.user is None
    assert record.user_email == "henkilosto@example.fi"


def test_only_superusers_read_the_audit_log_and_nobody_edits_it(client, demo):
    client.force_login(staff_user())
    client.get("/admin/academy/organisation/")
    record = AuditRecord.objects.get()
    assert client.get("/admin/academy/auditrecord/").status_code == 403
    root = UserFactory(email="root@example.fi", is_staff=True, is_superuser=True)
    client.force_login(root)
    page = client.get("/admin/academy/auditrecord/")
    assert page.status_code == 200
    assert "henkilosto@example.fi" in page.content.decode()
    assert client.get(f"/admin/academy/auditrecord/{record.pk}/delete/").status_code == 403
    response = client.post(f"/admin/academy/auditrecord/{record.pk}/change/", {"path": "/"})
    assert response.status_code == 403
    record.refresh_from_db()
    assert record.path == "/admin/academy/organisation/"


def test_the_admin_s_pages_of_allauth_s_models_are_recorded(client, demo):
    client.force_login(UserFactory(email="root@example.fi", is_staff=True, is_superuser=True))
    client.get("/admin/account/emailaddress/")
    client.get("/admin/usersessions/usersession/")
    assert set(AuditRecord.objects.values_list("view", flat=True)) == {
        "admin:account_emailaddress_changelist",
        "admin:usersessions_usersession_changelist",
    }
