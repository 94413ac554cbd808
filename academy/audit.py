"""The audit log: every page and file staff open, for superusers to read.

Staff read applicants' and participants' personal data in the admin, on the
participants' own pages and in exports and downloads. Each such request by a
person with staff status is recorded by ``AuditMiddleware``: who, when, which page
(its URL name and address, the query string included, since a list's filters say
what was looked for), whether it was a download, and the answer's status. Signing
in and out, setting up a second factor and the static pages are not recorded.
"""

from django.http import HttpRequest, HttpResponseBase

from .models import AuditAction, AuditRecord, User

# Pages outside any namespace that hold no one else's personal data, by URL name: the
# person's own account pages (allauth's), and the language switch.
NOT_RECORDED = frozenset({"set_language"})
NOT_RECORDED_PREFIXES = ("account_", "mfa_", "usersessions_")
# Admin pages that show nothing of anyone: its front page and its scripts' translations.
ADMIN_NOT_RECORDED = frozenset({"index", "jsi18n"})


def action_of(request: HttpRequest, response: HttpResponseBase) -> str:
    if "attachment" in response.get("Content-Disposition", ""):
        return AuditAction.DOWNLOAD
    return AuditAction.VIEW if request.method in ("GET", "HEAD") else AuditAction.SEND


def record(request: HttpRequest, response: HttpResponseBase) -> None:
    match = request.resolver_match
    user = request.user
    if match is None or not isinstance(user, User):
        return
    name = match.url_name or ""
    if not name or (
        # Signing in and the like, by name outside any namespace; every admin page counts.
        not match.namespace and (name in NOT_RECORDED or name.startswith(NOT_RECORDED_PREFIXES))
    ):
        return
    if match.namespace == "admin" and name in ADMIN_NOT_RECORDED:
        return
    AuditRecord.objects.create(
        user=user,
        user_email=user.email,
        action=action_of(request, response),
        view=f"{match.namespace}:{name}" if match.namespace else name,
        path=request.get_full_path()[:500],
        status=response.status_code,
    )


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            record(request, response)
        return response
