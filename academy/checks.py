"""Deployment checks of our own settings, run by ``manage.py check --deploy``."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.http.request import validate_host


@register(Tags.security, deploy=True)
def site_url(app_configs, **kwargs) -> list[Warning]:
    """Links in mails and calendar files must lead to this site, over TLS."""
    found = []
    site = urlsplit(settings.SITE_URL)
    if site.scheme != "https":
        found.append(
            Warning(
                f"SITE_URL ({settings.SITE_URL}) is not an https address: links in e-mails and "
                "calendar files would be sent without TLS.",
                id="academy.W001",
            )
        )
    host = site.hostname or ""
    if ":" in host:  # an IPv6 address, written as ALLOWED_HOSTS writes it
        host = f"[{host}]"
    if not validate_host(host, settings.ALLOWED_HOSTS):
        found.append(
            Warning(
                f"SITE_URL's host ({site.netloc}) is not in ALLOWED_HOSTS: the links in e-mails "
                "would be refused with 400.",
                id="academy.W002",
            )
        )
    return found
