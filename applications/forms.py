from typing import cast

from django import forms
from django.db import models
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from academy.business_id import normalise_business_id
from academy.forms import EuroField
from academy.models import OrganisationKind, TeamRole

from . import answers
from .models import ACTIVE_STATES, Application, ProposedMember
from .services import duplicate_message

OTHER_KIND = "other"


class EligibilityForm(forms.Form):
    """Asked first: an ineligible body learns it before filling anything in."""

    kind = forms.ChoiceField(
        label=_("What kind of organisation are you applying for?"),
        choices=[*OrganisationKind.choices, (OTHER_KIND, _("Another kind of organisation"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the kind of your organisation.")},
    )

    @property
    def is_eligible(self) -> bool:
        return self.cleaned_data.get("kind") in OrganisationKind.values


TEXTAREA = forms.Textarea(attrs={"rows": 4})


def _formfield(field, **kwargs):
    if field.name == "procurement_volume":
        kwargs["form_class"] = EuroField
    if isinstance(field, models.URLField):
        # An address typed without a scheme is read as https://, the web's default.
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class ApplicationForm(forms.ModelForm):
    """Every answer. Any may be blank in a draft; the checklist says what is missing."""

    class Meta:
        model = Application
        formfield_callback = _formfield
        fields = list(answers.FIELDS)
        widgets = {
            "motivation": TEXTAREA,
            "goals": TEXTAREA,
            "climate_targets": TEXTAREA,
            "procurement_strategy": TEXTAREA,
            "earlier_work": TEXTAREA,
            "main_categories": forms.Textarea(attrs={"rows": 3}),
            "pilot_candidate": forms.Textarea(attrs={"rows": 3}),
            "organisation_name": forms.TextInput(attrs={"autocomplete": "organization"}),
            "contact_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "contact_title": forms.TextInput(attrs={"autocomplete": "organization-title"}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "contact_phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
            "website": forms.URLInput(attrs={"autocomplete": "url"}),
        }
        help_texts = {
            "climate_targets": _(
                "The organisation's climate or carbon-neutrality targets. "
                "If there are none yet, say so."
            ),
            "earlier_work": _("For example criteria used, projects or training. If none, say so."),
            "main_categories": _(
                "The largest procurement categories, e.g. construction, food, ICT."
            ),
            "privacy_consent": _(
                "I have read the privacy notice, and the people named in this application know "
                "that their details are given to the programme for selecting the participants."
            ),
        }

    business_id = forms.CharField(
        label=Application._meta.get_field("business_id").verbose_name,
        help_text=Application._meta.get_field("business_id").help_text,
        # Room for spaces and dashes around a pasted ID; it is normalised to nine characters.
        max_length=20,
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["organisation_kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [("", "---------"), *OrganisationKind.choices]
        for field in self.fields.values():
            if (
                isinstance(field, forms.CharField)
                and isinstance(field.widget, forms.Textarea)
                and field.max_length
            ):
                # A browser cuts a longer paste silently at maxlength; the server explains instead.
                field.widget.attrs.pop("maxlength", None)
                limit = _("At most %(limit)s characters.") % {"limit": field.max_length}
                field.help_text = f"{field.help_text} {limit}".strip()

    def clean_business_id(self) -> str:
        value = normalise_business_id(self.cleaned_data["business_id"])
        if value and self._taken(value):
            raise forms.ValidationError(duplicate_message(self.instance.cohort), code="duplicate")
        return value

    def _taken(self, business_id: str) -> bool:
        others = Application.objects.filter(
            cohort=self.instance.cohort, business_id=business_id, state__in=ACTIVE_STATES
        )
        return others.exclude(pk=self.instance.pk).exists()

    def add_missing(self, items) -> None:
        """Show the checklist's missing answers next to their fields."""
        for item in items:
            if item.field:
                self.add_error(item.field, item.message)
            else:
                self.add_error(None, item.message)


PERSON_FIELDS = ("name", "title", "email")


class ProposedMemberForm(forms.ModelForm):
    class Meta:
        model = ProposedMember
        fields = ["role", "name", "title", "email"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)
        role.choices = [("", "---------"), *TeamRole.choices]
        self.fields["role"].required = self.fields["name"].required = False

    def clean(self) -> dict:
        data = super().clean() or {}
        # Role and name are needed for a row that is used; an unused row needs nothing.
        for name in ("role", "name"):
            if not data.get(name) and name not in self.errors:
                self.add_error(name, forms.Field.default_error_messages["required"])
        return data

    def has_changed(self) -> bool:
        # A new row without a name, title or e-mail is an unused row, whichever
        # role it shows: the roles offered on empty rows are only suggestions.
        typed = (self.data.get(self.add_prefix(name), "").strip() for name in PERSON_FIELDS)
        if self.instance.pk is None and self.is_bound and not any(typed):
            return False
        return super().has_changed()


class BaseTeamFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        seen = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form in self.deleted_forms:
                continue
            key = (form.cleaned_data.get("role"), (form.cleaned_data.get("name") or "").lower())
            if key[1] and key in seen:
                form.add_error("name", _("This person is already listed in this role."))
            seen.add(key)


MAX_TEAM = 15


def team_formset(application: Application, data=None) -> BaseTeamFormSet:
    """The team rows: the people named so far, one empty row per role not yet named, one spare."""
    named = {member.role for member in application.team.all()}
    empty = [{"role": role} for role in TeamRole.values if role not in named]
    initial = [*empty, {}]
    formset_class = inlineformset_factory(
        Application,
        ProposedMember,
        form=ProposedMemberForm,
        formset=BaseTeamFormSet,
        extra=len(initial),
        can_delete=True,
        max_num=MAX_TEAM,
        validate_max=True,
    )
    return cast(
        BaseTeamFormSet, formset_class(data, instance=application, prefix="team", initial=initial)
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=200,
        help_text=_("Helps programme staff to improve the programme."),
    )
