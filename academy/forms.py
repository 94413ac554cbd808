from django import forms
from django.contrib.auth.forms import AdminUserCreationForm as DjangoAdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import User


class AdminUserCreationForm(DjangoAdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "name"]


class AdminUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class SignupDetailsForm(forms.Form):
    """What allauth's sign-up form asks besides the e-mail address and password."""

    name = forms.CharField(
        label=_("Name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )

    def signup(self, request: HttpRequest, user: User) -> None:
        """allauth calls this after saving the user; the adapter has set the name."""
