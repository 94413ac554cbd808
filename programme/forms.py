"""The forms of a person's own pages: their profile, and inviting people to their team."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from academy.models import TeamRole, User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "preferred_language"]


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    role = forms.ChoiceField(label=pgettext_lazy("team role", "Role"), choices=TeamRole.choices)


class ErasureRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("What should be erased, and why (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=_(
            "I ask for my personal data to be erased. I understand that my account is closed "
            "and that what must be kept (a submitted application, a plan's history) is kept "
            "without my name."
        ),
    )
