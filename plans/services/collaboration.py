"""Working together on the action plan: comments, the change history and the frozen versions.

Every part of the plan is named by a section key: ``analysis``, ``pilot``,
``category:<code>``, ``plan`` for the plan as a whole, and whatever later parts
register with :func:`register_section`. Comments and changes are kept per key,
so a new part of the plan gets both by registering its key and calling
:func:`record_change` from its editing views.

A submitted plan is frozen: its content is kept as a JSON document and as the
HTML rendered from it, and the team cannot change the plan until programme
staff reopen it. Each submission is kept; a second one is a new version.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.db.models import Field, ForeignObjectRel, QuerySet
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from academy.links import absolute_url
from academy.models import HELSINKI, Membership, Participation
from notifications.services import queue_email

from ..models import (
    ActionItem,
    ActionPlan,
    CategoryPlan,
    OperatingModel,
    PilotProcurement,
    PlanChange,
    PlanComment,
    PlanSubmission,
    ProcurementCategory,
    ReductionMeasure,
)
from . import exports, parts
from .analysis import analyse

# Sections.

PLAN = "plan"
ANALYSIS = "analysis"
PILOT = "pilot"
OPERATING_MODEL = "operating_model"
ACTIONS = "actions"
LEDGER = "ledger"
CATEGORY_PREFIX = "category:"


@dataclass(frozen=True)
class Section:
    key: str
    label: str | Promise
    url_name: str  # a plans view that takes only ``participation``


_sections: dict[str, Section] = {}


def register_section(key: str, label: str | Promise, url_name: str) -> Section:
    """Make a part of the plan known: its comments can be written and its changes filtered."""
    section = Section(key, label, url_name)
    _sections[key] = section
    return section


register_section(PLAN, gettext_lazy("The plan as a whole"), "plans:plan")
register_section(ANALYSIS, gettext_lazy("Spend and emissions"), "plans:plan")
register_section(PILOT, gettext_lazy("Pilot procurement"), "plans:pilot")
register_section(OPERATING_MODEL, gettext_lazy("Operating model"), "plans:operating_model")
register_section(ACTIONS, gettext_lazy("Action items"), "plans:action_items")
register_section(LEDGER, gettext_lazy("Purchase ledger"), "plans:ledger")


def category_section(code: str) -> str:
    return f"{CATEGORY_PREFIX}{code}"


def is_known_section(key: str) -> bool:
    if key in _sections:
        return True
    if key.startswith(CATEGORY_PREFIX):
        return ProcurementCategory.objects.filter(code=key[len(CATEGORY_PREFIX) :]).exists()
    return False


def section_labels(keys: Iterable[str]) -> dict[str, str]:
    """Each key's name in the active language; categories are looked up in one query."""
    keys = list(dict.fromkeys(keys))
    codes = [key[len(CATEGORY_PREFIX) :] for key in keys if key.startswith(CATEGORY_PREFIX)]
    names = (
        {
            category.code: category.name
            for category in ProcurementCategory.objects.filter(code__in=codes)
        }
        if codes
        else {}
    )
    labels = {}
    for key in keys:
        if key in _sections:
            labels[key] = str(_sections[key].label)
        elif key.startswith(CATEGORY_PREFIX):
            labels[key] = names.get(key[len(CATEGORY_PREFIX) :], key)
        else:
            labels[key] = key
    return labels


def section_view(participation_id: int, key: str) -> tuple[str, dict]:
    """The page that shows a section: its view name and arguments."""
    if key.startswith(CATEGORY_PREFIX):
        return "plans:category", {
            "participation": participation_id,
            "code": key[len(CATEGORY_PREFIX) :],
        }
    section = _sections.get(key)
    return (section.url_name if section else "plans:plan"), {"participation": participation_id}


def section_path(participation_id: int, key: str) -> str:
    name, kwargs = section_view(participation_id, key)
    return reverse(name, kwargs=kwargs)


def comments_anchor(key: str) -> str:
    """The id of a section's comment thread on its page."""
    return "comments-" + key.replace(":", "-")


def local_next(participation: Participation, candidate: str) -> str | None:
    """``candidate`` when it is a page of this participation's plan on this site, else None."""
    parts = urlsplit(candidate or "")
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    if match.namespace != "plans" or match.kwargs.get("participation") != participation.pk:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


# Comments.


class CommentError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def comments_by_section(plan: ActionPlan | None) -> dict[str, list[PlanComment]]:
    """Every comment on the plan, oldest first, by section: one query for the whole page."""
    threads: dict[str, list[PlanComment]] = defaultdict(list)
    if plan is None:
        return {}
    for comment in plan.comments.select_related("author", "resolved_by").order_by(
        "created_at", "pk"
    ):
        threads[comment.section].append(comment)
    return dict(threads)


def writes_as(user, participation: Participation) -> str | None:
    """``"member"`` or ``"staff"`` for those who may comment on the plan; None for others."""
    if user.has_perm("academy.change_workspace", participation):
        return "member"
    if user.has_perm("plans.comment_on_plan", participation):
        return "staff"
    return None


def add_comment(
    plan: ActionPlan, section: str, author, body: str, *, by_staff: bool
) -> PlanComment:
    """Store a comment and tell the other side: staff's go to the team, the team's to staff."""
    participation = plan.participation
    with transaction.atomic():
        comment = PlanComment.objects.create(
            plan=plan, section=section, author=author, body=body, by_staff=by_staff
        )
        if by_staff:
            _tell_team(comment, participation)
        else:
            _tell_staff(comment, participation)
    return comment


def resolve_comment(comment: PlanComment, by, *, now: dt.datetime | None = None) -> bool:
    """Mark the comment resolved; False when someone already had."""
    return bool(
        PlanComment.objects.filter(pk=comment.pk, resolved_at__isnull=True).update(
            resolved_at=now or timezone.now(), resolved_by=by
        )
    )


def _mail_context(comment: PlanComment, participation: Participation, language: str) -> dict:
    with translation.override(language):
        section = section_labels([comment.section])[comment.section]
    name, kwargs = section_view(participation.pk, comment.section)
    return {
        "cohort": participation.cohort.title,
        "organisation": participation.organisation.name,
        "section": section,
        "author": (comment.author.name or comment.author.email) if comment.author else "",
        "body": comment.body,
        "url": absolute_url(name, language=language, **kwargs)
        + "#"
        + comments_anchor(comment.section),
        "contact_email": participation.cohort.contact_email,
    }


def _tell_team(comment: PlanComment, participation: Participation) -> None:
    members = Membership.objects.filter(
        organisation_id=participation.organisation_id
    ).select_related("user")
    for membership in members:
        user = membership.user
        queue_email(
            "plan_comment",
            user.email,
            _mail_context(comment, participation, user.preferred_language),
            f"plan-comment:{comment.pk}:{user.pk}",
            recipient=user,
            language=user.preferred_language,
            about=comment,
            cohort=participation.cohort,
        )


def _tell_staff(comment: PlanComment, participation: Participation) -> None:
    queue_email(
        "plan_comment_staff",
        participation.cohort.contact_email,
        # Staff's address is shared: the mail is in the programme's language.
        _mail_context(comment, participation, settings.LANGUAGE_CODE),
        f"plan-comment-staff:{comment.pk}",
        about=comment,
        cohort=participation.cohort,
    )


# The change history.


def record_change(
    plan: ActionPlan,
    user,
    section: str,
    summary: str,
    *,
    params: dict | None = None,
    fields: Iterable[str] = (),
) -> PlanChange:
    """Note a saved change. ``summary`` is an untranslated message (``gettext_noop``)
    with ``%(name)s`` placeholders from ``params``: it is shown in each reader's language.
    """
    return PlanChange.objects.create(
        plan=plan,
        user=user if getattr(user, "is_authenticated", False) else None,
        section=section,
        summary=summary,
        params=params or {},
        fields=list(fields),
    )


def history(plan: ActionPlan, section: str | None = None) -> QuerySet[PlanChange]:
    changes = plan.changes.select_related("user")
    return changes.filter(section=section) if section else changes


def history_sections(plan: ActionPlan) -> dict[str, str]:
    """The sections the plan's history has changes in, with their names, sorted by name."""
    keys = plan.changes.order_by("section").values_list("section", flat=True).distinct()
    labels = section_labels(keys)
    return dict(sorted(labels.items(), key=lambda item: item[1].casefold()))


# The models whose fields the history names; a reverse relation is named by its model.
_FIELD_MODELS = (
    PilotProcurement,
    ReductionMeasure,
    ActionPlan,
    CategoryPlan,
    OperatingModel,
    ActionItem,
)


def field_label(name: str) -> str:
    for model in _FIELD_MODELS:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if isinstance(field, ForeignObjectRel):
            return str(field.field.model._meta.verbose_name_plural)
        assert isinstance(field, Field)  # none of the models has a generic foreign key
        return str(field.verbose_name)
    return name


# Submission and the frozen version.


class PlanSubmitted(Exception):
    """The plan is frozen: the message says when and by whom it was submitted."""

    def __init__(self, submission: PlanSubmission):
        self.submission = submission
        self.message = submitted_message(submission)
        super().__init__(self.message)


def open_submission(plan: ActionPlan | None) -> PlanSubmission | None:
    """The submission that freezes the plan now, if any."""
    if plan is None:
        return None
    return plan.submissions.filter(reopened_at__isnull=True).select_related("submitted_by").first()


def open_submission_of(participation: Participation) -> PlanSubmission | None:
    return (
        PlanSubmission.objects.filter(plan__participation=participation, reopened_at__isnull=True)
        .select_related("submitted_by")
        .first()
    )


def editing(plan: ActionPlan | None, member: bool) -> dict:
    """For a page's template: the submission that freezes the plan, and whether to offer edits."""
    submission = open_submission(plan)
    return {"frozen": submission, "can_edit": member and submission is None}


def ensure_editable(plan: ActionPlan) -> None:
    """Raise :class:`PlanSubmitted` when the team may not change the plan."""
    submission = open_submission(plan)
    if submission is not None:
        raise PlanSubmitted(submission)


def submitted_message(submission: PlanSubmission) -> str:
    who = submission.submitted_by
    return _(
        "The plan was submitted on %(date)s by %(name)s and is now frozen: it cannot be "
        "changed. If it needs changes, ask programme staff to reopen it."
    ) % {
        "date": date_format(submission.submitted_at.astimezone(HELSINKI), "DATE_FORMAT"),
        "name": (who.name or who.email) if who else _("a removed user"),
    }


def snapshot(plan: ActionPlan, *, now: dt.datetime | None = None) -> dict:
    """The plan's content now, as plain data (decimals and dates become strings in JSON).

    Names (categories, kinds, states) are in the active language.
    """
    participation = plan.participation
    return {
        "organisation": participation.organisation.name,
        "cohort": participation.cohort.title,
        "taken_at": now or timezone.now(),
        "language": translation.get_language(),
        "sections": parts.build(plan, analyse(plan)),
    }


def render_snapshot(content: dict) -> str:
    """The frozen copy's HTML, through the templates of the plan's pages and PDF.

    It also reads the content of versions submitted long ago (see ``plans.services.parts``).
    """
    return render_to_string(
        "plans/frozen.html", {"snapshot": content, "parts": parts.shown(content["sections"])}
    )


def submit_plan(plan: ActionPlan, by, *, now: dt.datetime | None = None) -> PlanSubmission:
    """Freeze the plan as it is now; raise :class:`PlanSubmitted` if it already is.

    The plan is also printed inside the transaction, so that the PDF shows the
    same content as the frozen version, and kept as the submission's ``pdf``.
    If the PDF cannot be made (WeasyPrint fails), the plan is submitted all the
    same, without a PDF, and the error is logged.
    """
    now = now or timezone.now()
    with transaction.atomic():
        # Edits and a second submit wait for this one, and then see it.
        ActionPlan.objects.select_for_update().filter(pk=plan.pk).first()
        ensure_editable(plan)
        content = snapshot(plan, now=now)
        submission = PlanSubmission.objects.create(
            plan=plan,
            submitted_by=by,
            submitted_at=now,
            snapshot=content,
            html=render_snapshot(content),
            language=translation.get_language() or "fi",
            pdf=exports.store_plan_pdf(plan, by, now=now),
        )
        record_change(plan, by, PLAN, gettext_noop("The plan was submitted."))
    return submission


def reopen_plan(plan: ActionPlan, by, *, now: dt.datetime | None = None) -> bool:
    """Let the team change a submitted plan again; its submitted versions are kept."""
    with transaction.atomic():
        reopened = plan.submissions.filter(reopened_at__isnull=True).update(
            reopened_at=now or timezone.now(), reopened_by=by
        )
        if reopened:
            record_change(
                plan, by, PLAN, gettext_noop("Programme staff reopened the plan for changes.")
            )
    return bool(reopened)
