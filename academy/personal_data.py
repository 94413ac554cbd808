"""What is held about a person: their own copy ("right of access", GDPR art. 15) and
its erasure (art. 17).

Each app says what it holds about a person in its ``personal_data.py``, by
registering sections: a name and a function from the user to rows (dictionaries
of plain values), optionally the stored files that are theirs, and how the section
is erased: what may go is deleted, what must stay (a submitted application, a
plan's history) loses the person's name and contact details. Sections are found
when Django starts (``autodiscover_modules``), so a new app adds its own without
this module knowing it.
"""

import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from tempfile import SpooledTemporaryFile
from uuid import UUID

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model
from django.utils import timezone

from .models import ERASED_DOMAIN

__all__ = ["ERASED_DOMAIN", "SECTIONS", "archive", "collect", "erase", "register", "values"]

Rows = list[dict]


@dataclass(frozen=True)
class Section:
    name: str
    rows: Callable[..., Rows]
    files: Callable[..., Iterable] = field(default=lambda user: ())
    erase: Callable[..., None] = field(default=lambda user: None)


SECTIONS: dict[str, Section] = {}


def register(
    name: str,
    rows: Callable[..., Rows],
    files: Callable[..., Iterable] | None = None,
    erase: Callable[..., None] | None = None,
):
    SECTIONS[name] = Section(name, rows, files or (lambda user: ()), erase or (lambda user: None))


def erase(user, *, by) -> None:
    """Erase the person: each section's own part, then the account itself, which stays
    as a nameless, closed row so that what must be kept still points somewhere. Any open
    erasure request of theirs is marked carried out."""
    from django.db import transaction

    from .models import ErasureRequest

    with transaction.atomic():
        for section in SECTIONS.values():
            section.erase(user)
        user.name = ""
        user.email = user.erased_address()
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        user.set_unusable_password()
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
        ErasureRequest.objects.filter(user=user, carried_out_at__isnull=True).update(
            carried_out_at=timezone.now(), carried_out_by=by
        )


def values(obj: Model, names: Iterable[str]) -> dict:
    """The named fields of ``obj`` as plain values (a related object as its text)."""
    out = {}
    for name in names:
        value = getattr(obj, name)
        if isinstance(value, Model):
            value = str(value)
        elif isinstance(value, (dt.datetime, dt.date, Decimal, UUID)):
            value = value.isoformat() if hasattr(value, "isoformat") else str(value)
        out[name] = value
    return out


def collect(user) -> dict:
    return {
        "made_at": timezone.now().isoformat(),
        "person": user.email,
        **{name: section.rows(user) for name, section in SECTIONS.items()},
    }


def archive(user) -> SpooledTemporaryFile:
    """A zip of ``data.json`` and the person's own files under ``files/``."""
    spool = SpooledTemporaryFile(max_size=16 * 1024**2)  # noqa: SIM115  # the response closes it
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        data = json.dumps(collect(user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        bundle.writestr("data.json", data)
        used: set[str] = set()
        for section in SECTIONS.values():
            for stored in section.files(user):
                name = f"files/{stored.public_id}-{stored.original_name}"
                if name in used:
                    continue
                used.add(name)
                with stored.file.open("rb") as source, bundle.open(name, "w") as target:
                    while chunk := source.read(io.DEFAULT_BUFFER_SIZE * 64):
                        target.write(chunk)
    spool.seek(0)
    return spool


def _account(user) -> Rows:
    from allauth.account.models import EmailAddress

    return [
        {
            **values(user, ["email", "name", "preferred_language", "date_joined", "last_login"]),
            "staff": user.is_staff,
            "addresses": [
                {"email": address.email, "verified": address.verified, "primary": address.primary}
                for address in EmailAddress.objects.filter(user=user)
            ],
        }
    ]


def _teams(user) -> Rows:
    from .models import Membership

    return [
        values(membership, ["organisation", "role", "is_contact"])
        for membership in Membership.objects.filter(user=user).select_related("organisation")
    ]


def _sessions(user) -> Rows:
    from allauth.usersessions.models import UserSession

    return [
        values(session, ["created_at", "ip", "user_agent"])
        for session in UserSession.objects.filter(user=user)
    ]


def _erase_account(user) -> None:
    from allauth.account.models import EmailAddress
    from allauth.usersessions.models import UserSession

    from .models import Invitation, Membership

    EmailAddress.objects.filter(user=user).delete()
    Membership.objects.filter(user=user).delete()
    Invitation.objects.filter(email__iexact=user.email).delete()
    for session in UserSession.objects.filter(user=user):
        session.end()
    UserSession.objects.filter(user=user).delete()


def _uploads(user) -> Rows:
    from .models import StoredFile

    return [
        values(stored, ["original_name", "size", "uploaded_at", "sha256"])
        for stored in StoredFile.objects.filter(uploaded_by=user)
    ]


def _uploaded_files(user):
    from .models import StoredFile

    # A file whose bytes the retention sweep removed is listed, not packed.
    return StoredFile.objects.filter(uploaded_by=user).exclude(file="")


def _staff_audit(user) -> Rows:
    from .models import AuditRecord

    return [
        values(record, ["at", "action", "view", "path", "status"])
        for record in AuditRecord.objects.filter(user=user)
    ]


register("account", _account, erase=_erase_account)
register("teams", _teams)
register("sessions", _sessions)
register("uploaded_files", _uploads, _uploaded_files)
register("pages_opened_as_staff", _staff_audit)
