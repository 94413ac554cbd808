"""Forms of the plan's sections: owners are chosen from the organisation's team only."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import ActionItem, CategoryPlan, OperatingModel, ProcurementCategory
from ..services import sections

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MemberField(forms.ModelChoiceField):
    default_error_messages = {
        "invalid_choice": _("Choose a member of the organisation's team."),
    }

    def label_from_instance(self, obj) -> str:
        return obj.get_full_name()


def _owner_from_team(form: forms.ModelForm, organisation_id: int, *, required: bool) -> None:
    field = form.fields["owner"]
    form.fields["owner"] = MemberField(
        queryset=sections.team(organisation_id),
        required=required,
        label=field.label,
        help_text=_("A member of the organisation's team."),
    )


class CategoryPlanForm(forms.ModelForm):
    class Meta:
        model = CategoryPlan
        fields = [
            "goals",
            "criteria",
            "owner",
            "starts_on",
            "ends_on",
            "schedule_note",
            "indicators",
            "notes",
        ]
        widgets = {
            "goals": forms.Textarea(attrs={"rows": 4}),
            "criteria": forms.Textarea(attrs={"rows": 4}),
            "starts_on": DATE,
            "ends_on": DATE,
            "schedule_note": forms.Textarea(attrs={"rows": 2}),
            "indicators": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, organisation_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        _owner_from_team(self, organisation_id, required=False)


class OperatingModelForm(forms.ModelForm):
    class Meta:
        model = OperatingModel
        fields = [name for section in OperatingModel.sections for name in section.fields]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for section in OperatingModel.sections
            for name in section.fields
            if name != "review_month"
        }

    def sections(self):
        """For the template: each section with its bound fields."""
        for section in OperatingModel.sections:
            yield section, [self[name] for name in section.fields]


class ActionItemForm(forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = ["title", "description", "owner", "due", "state", "category", "section"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "due": DATE}

    def __init__(self, *args, organisation_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        _owner_from_team(self, organisation_id, required=True)
        category = self.fields["category"]
        assert isinstance(category, forms.ModelChoiceField)
        category.queryset = ProcurementCategory.objects.filter(is_active=True)
        category.help_text = _("Optional: the category the item belongs to.")
        self.fields["section"].help_text = _(
            "Optional: the part of the plan it belongs to instead of a category."
        )
