"""The spend entry form: one row per category, numbers as Finns write them."""

from decimal import Decimal

from django import forms
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from ..models import (
    PilotMilestone,
    PilotProcurement,
    ProcurementCategory,
    ReductionMeasure,
    SpendSource,
)
from ..services.plan import Entry
from ..services.tabular import NumberError, parse_number

MAX_AMOUNT = Decimal("1e12")


class SpendForm(forms.Form):
    """Fields ``amount_<id>``, ``factor_<id>`` and ``why_<id>`` for each category."""

    year = forms.IntegerField(label=_("Year of the spend"), min_value=2000, max_value=2100)

    def __init__(self, *args, categories, existing: dict, **kwargs):
        """``existing``: the year's spend by category; ledger rows keep their amount."""
        super().__init__(*args, **kwargs)
        self.categories = list(categories)
        self.ledger = {pk for pk, row in existing.items() if row.source == SpendSource.LEDGER}
        for category in self.categories:
            row = existing.get(category.pk)
            self.fields[f"amount_{category.pk}"] = forms.CharField(
                label=category.name,
                required=False,
                max_length=30,
                initial=_number(row.amount_eur) if row else "",
                disabled=category.pk in self.ledger,
                help_text=_("From the purchase ledger.") if category.pk in self.ledger else "",
            )
            self.fields[f"factor_{category.pk}"] = forms.CharField(
                label=_("Own factor (kg CO2e per euro)"),
                required=False,
                max_length=20,
                initial=_number(row.factor_override) if row and row.factor_override else "",
            )
            self.fields[f"why_{category.pk}"] = forms.CharField(
                label=_("Reason for this factor"),
                required=False,
                max_length=1000,
                initial=row.override_justification if row else "",
            )

    def rows(self):
        """For the template: each category with its three bound fields."""
        for category in self.categories:
            yield (
                category,
                self[f"amount_{category.pk}"],
                self[f"factor_{category.pk}"],
                self[f"why_{category.pk}"],
            )

    def clean(self):
        data = super().clean()
        self.entries = []
        for category in self.categories:
            amount = self._number(f"amount_{category.pk}", maximum=MAX_AMOUNT)
            factor = self._number(f"factor_{category.pk}", maximum=Decimal(1000))
            why = (data.get(f"why_{category.pk}") or "").strip()
            if amount is not None and amount < 0:
                self.add_error(f"amount_{category.pk}", _("Spend cannot be negative."))
            if factor is not None and factor < 0:
                self.add_error(f"factor_{category.pk}", _("A factor cannot be negative."))
            if factor is not None and not why:
                self.add_error(
                    f"why_{category.pk}", _("Say why this factor is used instead of the set's.")
                )
            if factor is not None and amount is None:
                self.add_error(
                    f"amount_{category.pk}", _("Enter the spend this factor applies to.")
                )
            self.entries.append(
                Entry(category.pk, amount, factor, why, from_ledger=category.pk in self.ledger)
            )
        return data

    def _number(self, name: str, *, maximum: Decimal) -> Decimal | None:
        text = (self.cleaned_data.get(name) or "").strip()
        if not text:
            return None
        try:
            value = parse_number(text)
        except NumberError:
            self.add_error(name, _("Write a number, e.g. 12 345,67."))
            return None
        if abs(value) >= maximum:
            self.add_error(name, _("The number is too large."))
            return None
        return (
            value.quantize(Decimal("0.01"))
            if name.startswith("amount")
            else value.quantize(Decimal("0.000001"))
        )


def _number(value: Decimal | None) -> str:
    """A stored number as the form shows it: Finnish decimal comma, no trailing zeros."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


class MeasureForm(forms.ModelForm):
    class Meta:
        model = ReductionMeasure
        fields = [
            "kind",
            "title",
            "description",
            "reduction_low",
            "reduction_high",
            "influence",
            "next_tender",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "next_tender": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class NumberField(forms.DecimalField):
    """A decimal typed either way: ``1 234,5`` or ``1234.5``, in any of the site's languages."""

    # A number input would refuse the spaces and, depending on the browser, the comma.
    widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_number(str(value))
        except NumberError:
            raise forms.ValidationError(
                _("Write a number, e.g. 12 345,67."), code="invalid"
            ) from None

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return _number(value)
        return value


def number_fields(field, **kwargs):
    if isinstance(field, models.DecimalField):
        kwargs["form_class"] = NumberField
    return field.formfield(**kwargs)


class PilotForm(forms.ModelForm):
    class Meta:
        model = PilotProcurement
        formfield_callback = number_fields
        fields = [
            "subject",
            "category",
            "state",
            "estimated_value",
            "planned_tender_date",
            "expected_reduction",
            "low_carbon_criteria",
            "market_dialogue",
        ]
        widgets = {
            "planned_tender_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "low_carbon_criteria": forms.Textarea(attrs={"rows": 4}),
            "market_dialogue": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ProcurementCategory.objects.filter(is_active=True)


# Quoted: Django's form sets are generic to the type checker only.
MilestoneFormSet: "type[BaseInlineFormSet[PilotMilestone, PilotProcurement, forms.ModelForm]]" = (
    forms.inlineformset_factory(
        PilotProcurement,
        PilotMilestone,
        fields=["title", "due", "done"],
        extra=2,
        can_delete=True,
        widgets={"due": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")},
    )
)
