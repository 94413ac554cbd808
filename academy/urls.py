from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from . import views

academy_patterns = [
    path("", views.programme, name="programme"),
    path("cohorts/<slug:slug>/", views.programme, name="cohort"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("profile/", views.profile, name="profile"),
    path("teams/<int:organisation_id>/", views.team_page, name="team"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("workspace/", views.workspaces, name="workspaces"),
    path("workspace/<int:participation_id>/", views.workspace, name="workspace"),
    path("files/<uuid:public_id>/", views.download, name="download"),
]

# Finnish pages live at the root, Swedish under /sv/ and English under /en/,
# so every address names its language and can be shared as it is.
urlpatterns = i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include((academy_patterns, "academy"))),
    path("", include("applications.urls")),
    path("", include("workshops.urls")),
    path("", include("assignments.urls")),
    path("", include("plans.urls")),
    path("accounts/", include("allauth.urls")),
    prefix_default_language=False,
)
