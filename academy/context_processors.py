from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url


def site(request: HttpRequest) -> dict:
    """The language switcher's links: this page in each of the site's languages."""
    return {
        "language_links": [
            {"code": code, "url": translate_url(request.get_full_path(), code)}
            for code, _name in settings.LANGUAGES
        ],
    }
