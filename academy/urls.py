from allauth.account.decorators import secure_admin_login
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from academy.health import status_view

# Staff sign in where everyone does: allauth's rate limits and second factor apply.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

# Finnish pages live at the root, Swedish under /sv/ and English under /en/,
# so every address names its language and can be shared as it is.
urlpatterns = i18n_patterns(
    path("admin/status/", admin.site.admin_view(status_view), name="admin_status"),
    path("admin/", admin.site.urls),
    path("", include("programme.urls")),
    path("", include("applications.urls")),
    path("", include("workshops.urls")),
    path("", include("assignments.urls")),
    path("", include("plans.urls")),
    path("accounts/", include("allauth.urls")),
    prefix_default_language=False,
)
