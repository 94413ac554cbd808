from django.urls import path

from . import views

app_name = "programme"

urlpatterns = [
    path("", views.programme, name="programme"),
    path("cohorts/<slug:slug>/", views.programme, name="cohort"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("profile/", views.profile, name="profile"),
    path("profile/data/", views.my_data, name="my_data"),
    path("profile/data/download/", views.my_data_download, name="my_data_download"),
    path("teams/<int:organisation_id>/", views.team_page, name="team"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("workspace/", views.workspaces, name="workspaces"),
    path("workspace/<int:participation_id>/", views.workspace, name="workspace"),
    path("files/<uuid:public_id>/", views.download, name="download"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/<str:token>.ics", views.feed, name="feed"),
]
