from django.urls import path

from . import views

app_name = "workshops"

urlpatterns = [
    path(
        "workspace/<int:participation>/sessions/<int:session>/",
        views.session,
        name="session",
    ),
    path("workspace/<int:participation>/sparring/", views.sparring, name="sparring"),
    path("info-session/<int:session>/recording/", views.recording, name="recording"),
    path(
        "info-session/<int:session>/recording/requested/",
        views.recording_requested,
        name="recording_requested",
    ),
]
