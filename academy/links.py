"""Absolute addresses for e-mails, which are read outside any request."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation


def absolute_url(viewname: str, *, language: str | None = None, **kwargs) -> str:
    """The full address of a view, on the pages of a language (Finnish when not given)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        path = reverse(viewname, kwargs=kwargs or None)
    return settings.SITE_URL.rstrip("/") + path
