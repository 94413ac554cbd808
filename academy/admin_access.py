"""What the admin lets staff add, change and delete, beyond Django's model permissions.

Two kinds of limit, each said once:

- ``ReadOnlyMixin`` and ``ReadOnlyInlineMixin``: a kind of record the admin shows
  but does not write, whoever asks. The participant pages write it, or it is kept as
  written (versions, notes, submissions, the outbox). ``refuses`` names which of
  add, change and delete the admin refuses; the others follow the model permissions.
- ``ObjectRulesMixin``: whether this user may change or delete this object is the
  app's rule of the model permission's name, where ``rules.py`` has one (see
  ``academy.rules.add_object_rule``), and Django's model permission elsewhere.
"""

from typing import ClassVar, Literal

import rules
from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.auth import get_permission_codename
from django.db.models import Model
from django.http import HttpRequest

Action = Literal["add", "change", "delete"]
EVERY_ACTION: tuple[Action, ...] = ("add", "change", "delete")


class ReadOnlyMixin(admin.ModelAdmin):
    refuses: ClassVar[tuple[Action, ...]] = EVERY_ACTION

    def has_add_permission(self, request: HttpRequest) -> bool:
        return "add" not in self.refuses and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return "change" not in self.refuses and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return "delete" not in self.refuses and super().has_delete_permission(request, obj)


class ReadOnlyInlineMixin(InlineModelAdmin):
    refuses: ClassVar[tuple[Action, ...]] = EVERY_ACTION

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return "add" not in self.refuses and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return "change" not in self.refuses and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return "delete" not in self.refuses and super().has_delete_permission(request, obj)


class ObjectRulesMixin(admin.ModelAdmin):
    """Change and delete as the app's rules say, where it has a rule for this model.

    The rule is asked itself rather than through ``user.has_perm``: Django grants an
    active superuser every permission without asking, and some records are kept from
    superusers too (a scored criterion, a booked slot, an interview).
    """

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        name = self.permission_name("change")
        if rules.perm_exists(name):
            return rules.has_perm(name, request.user, obj)
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        name = self.permission_name("delete")
        if rules.perm_exists(name):
            return rules.has_perm(name, request.user, obj)
        return super().has_delete_permission(request, obj)

    def permission_name(self, action: Action) -> str:
        return f"{self.opts.app_label}.{get_permission_codename(action, self.opts)}"
