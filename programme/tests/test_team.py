"""The contact person invites the team; invitations are bound to their address."""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from academy.models import Invitation, Membership, TeamRole
from academy.tests.factories import MembershipFactory, UserFactory
from notifications.models import OutgoingEmail
from programme import team

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact():
    membership = MembershipFactory(
        user__email="yhteys@esimerkkila.fi", role=TeamRole.PROCUREMENT_LEAD, is_contact=True
    )
    return membership


def team_url(organisation) -> str:
    return reverse("programme:team", kwargs={"organisation_id": organisation.pk})


def invite_by_page(client, contact, email="jasen@esimerkkila.fi", role="procurement_specialist"):
    client.force_login(contact.user)
    return client.post(
        team_url(contact.organisation), {"action": "invite", "email": email, "role": role}
    )


def link_in(message) -> str:
    return urlsplit(re.search(r"https?://\S+/invitations/\S+/", message.body).group(0)).path


def test_the_contact_person_invites_and_the_invitee_accepts(client, contact, deliver_mail):
    with deliver_mail():
        response = invite_by_page(client, contact)
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["jasen@esimerkkila.fi"]
    assert "Hankinta-asiantuntija" in message.body
    # Like a sign-in link, the stored copy of the mail loses the link once sent.
    assert "/invitations/" not in OutgoingEmail.objects.get().body_text
    invitee = UserFactory(email="Jasen@Esimerkkila.fi".lower())
    client.force_login(invitee)
    link = link_in(message)
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response["Location"] == team_url(contact.organisation)
    membership = Membership.objects.get(user=invitee)
    assert (membership.organisation, membership.role, membership.is_contact) == (
        contact.organisation,
        "procurement_specialist",
        False,
    )
    # Used once: the link does not let anyone in again.
    assert client.post(link).status_code == 200
    assert Membership.objects.filter(user=invitee).count() == 1


def test_a_forwarded_invitation_cannot_be_accepted_with_another_address(
    client, contact, deliver_mail
):
    with deliver_mail():
        invite_by_page(client, contact)
    link = link_in(mail.outbox[0])
    client.force_login(UserFactory(email="joku.muu@example.fi"))
    response = client.post(link)
    assert response.status_code == 403
    assert "toiseen sähköpostiosoitteeseen" in response.content.decode()
    assert not Membership.objects.filter(user__email="joku.muu@example.fi").exists()


def test_anonymous_visitors_sign_in_or_up_to_accept(client, contact, deliver_mail):
    with deliver_mail():
        invite_by_page(client, contact)
    client.logout()
    link = link_in(mail.outbox[0])
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_an_unknown_link_is_not_found(client):
    client.force_login(UserFactory())
    assert client.get("/invitations/not-a-real-token/").status_code == 404


def test_an_invitation_expires(client, contact, deliver_mail):
    with deliver_mail():
        invite_by_page(client, contact)
    link = link_in(mail.outbox[0])
    with time_machine.travel(timezone.now() + dt.timedelta(days=14, seconds=1)):
        client.force_login(UserFactory(email="jasen@esimerkkila.fi"))
        response = client.post(link)
    assert "ei ole enää voimassa" in response.content.decode()
    assert not Membership.objects.filter(user__email="jasen@esimerkkila.fi").exists()


def test_revoked_and_resent_invitations(client, contact, deliver_mail):
    with deliver_mail():
        invite_by_page(client, contact)
    invitation = Invitation.objects.get()
    old_link = link_in(mail.outbox[0])
    with deliver_mail():
        client.post(
            team_url(contact.organisation), {"action": "resend", "invitation": invitation.pk}
        )
    new_link = link_in(mail.outbox[1])
    assert new_link != old_link
    invitee = UserFactory(email="jasen@esimerkkila.fi")
    client.force_login(invitee)
    assert client.get(old_link).status_code == 404
    client.force_login(contact.user)
    client.post(team_url(contact.organisation), {"action": "revoke", "invitation": invitation.pk})
    client.force_login(invitee)
    client.post(new_link)
    assert not Membership.objects.filter(user=invitee).exists()


def test_inviting_a_member_or_an_open_invitation_again_is_explained(client, contact):
    invite_by_page(client, contact)
    response = invite_by_page(client, contact)
    assert "avoin kutsu" in response.content.decode()
    response = invite_by_page(client, contact, email=contact.user.email)
    assert "on jo tiimissä" in response.content.decode()
    assert Invitation.objects.count() == 1


def test_the_contact_person_removes_a_member_but_not_themselves(client, contact):
    other = MembershipFactory(
        organisation=contact.organisation, role=TeamRole.PROCUREMENT_SPECIALIST
    )
    client.force_login(contact.user)
    client.post(team_url(contact.organisation), {"action": "remove", "membership": other.pk})
    client.post(team_url(contact.organisation), {"action": "remove", "membership": contact.pk})
    assert list(Membership.objects.values_list("pk", flat=True)) == [contact.pk]


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_team_page_is_for_the_team_only(client, contact, method):
    outsider = MembershipFactory(role=TeamRole.PROCUREMENT_LEAD, is_contact=True)
    client.force_login(outsider.user)
    data = {"action": "invite", "email": "x@example.fi", "role": "procurement_lead"}
    assert getattr(client, method)(team_url(contact.organisation), data).status_code == 404
    client.logout()
    response = getattr(client, method)(team_url(contact.organisation), data)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert Invitation.objects.count() == 0


def test_a_member_sees_the_team_but_cannot_invite(client, contact):
    member = MembershipFactory(
        organisation=contact.organisation, role=TeamRole.PROCUREMENT_SPECIALIST
    )
    client.force_login(member.user)
    page = client.get(team_url(contact.organisation)).content.decode()
    assert contact.user.email in page
    assert 'name="action" value="invite"' not in page
    response = client.post(
        team_url(contact.organisation),
        {"action": "invite", "email": "x@example.fi", "role": "procurement_lead"},
    )
    assert response.status_code == 403
    assert Invitation.objects.count() == 0


def test_the_team_page_makes_the_same_queries_with_1_or_30_members(client, contact):
    client.force_login(contact.user)
    counts = []
    for total in (1, 30):
        while contact.organisation.memberships.count() < total:
            MembershipFactory(
                organisation=contact.organisation, role=TeamRole.PROCUREMENT_SPECIALIST
            )
        while contact.organisation.invitations.count() < total:
            team.invite(
                contact.organisation,
                f"kutsuttu{contact.organisation.invitations.count()}@example.fi",
                TeamRole.PROCUREMENT_SPECIALIST,
                by=contact.user,
                now=timezone.now(),
            )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(team_url(contact.organisation)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_contact_person_cannot_touch_another_organisations_rows(client, contact):
    other = MembershipFactory(role=TeamRole.PROCUREMENT_LEAD, is_contact=True)
    member = MembershipFactory(
        organisation=other.organisation, role=TeamRole.PROCUREMENT_SPECIALIST
    )
    foreign = team.invite(
        other.organisation, "x@example.fi", "procurement_lead", by=other.user, now=timezone.now()
    )
    client.force_login(contact.user)
    page = team_url(contact.organisation)
    assert client.post(page, {"action": "remove", "membership": member.pk}).status_code == 404
    assert client.post(page, {"action": "revoke", "invitation": foreign.pk}).status_code == 404
    assert client.post(page, {"action": "remove", "membership": "abc"}).status_code == 404
    assert Membership.objects.filter(pk=member.pk).exists()
    foreign.refresh_from_db()
    assert foreign.revoked_at is None


@pytest.mark.parametrize("posted", ["abc", "", "1.5"])
@pytest.mark.parametrize("action", ["revoke", "resend"])
def test_a_malformed_invitation_id_is_not_found(client, contact, action, posted):
    client.force_login(contact.user)
    response = client.post(team_url(contact.organisation), {"action": action, "invitation": posted})
    assert response.status_code == 404


def test_an_expired_invitation_does_not_block_a_new_one(client, contact):
    invite_by_page(client, contact)
    with time_machine.travel(timezone.now() + dt.timedelta(days=15)):
        client.force_login(contact.user)
        response = invite_by_page(client, contact)
    assert response.status_code == 302
    assert Invitation.objects.filter(revoked_at__isnull=True).count() == 1
    assert Invitation.objects.count() == 2
