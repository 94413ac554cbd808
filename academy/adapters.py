from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.utils.translation import get_language

from .models import User


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: User, form, commit: bool = True) -> User:
        # A person who signs up on the Swedish pages gets their e-mail in Swedish.
        user.name = form.cleaned_data.get("name", "")
        user.preferred_language = get_language()
        return super().save_user(request, user, form, commit=commit)
