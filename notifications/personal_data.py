"""What the outbox holds about a person: the e-mails sent to them.

A mail that carried a sign-in code or link is listed without its text.
"""

from django.db.models import Q

from academy.personal_data import register, values

from .models import OutgoingEmail


def emails(user) -> list[dict]:
    sent = OutgoingEmail.objects.filter(Q(recipient=user) | Q(to__iexact=user.email))
    return [
        {
            **values(email, ["to", "subject", "state", "created_at", "sent_at"]),
            "text": "" if email.sensitive else email.body_text,
        }
        for email in sent.order_by("created_at")
    ]


def erase(user) -> None:
    """The texts go; what was sent when, to which key and in which state stays."""
    OutgoingEmail.objects.filter(Q(recipient=user) | Q(to__iexact=user.email)).update(
        to=user.erased_address(), body_text="", body_html="", calendar=""
    )


register("emails", emails, erase=erase)
