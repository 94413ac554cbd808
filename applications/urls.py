from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("apply/", views.start, name="start"),
    path("applications/", views.index, name="index"),
    path("applications/<uuid:public_id>/", views.detail, name="detail"),
    path("applications/<uuid:public_id>/edit/", views.edit, name="edit"),
    path("applications/<uuid:public_id>/submit/", views.submit, name="submit"),
    path("applications/<uuid:public_id>/withdraw/", views.withdraw, name="withdraw"),
    path("applications/<uuid:public_id>/reopen/", views.reopen, name="reopen"),
    path("applications/<uuid:public_id>/interview/", views.interview, name="interview"),
    path("applications/<uuid:public_id>/confirm/", views.confirm, name="confirm"),
    path(
        "applications/<uuid:public_id>/interview/cancel/",
        views.interview_cancel,
        name="interview_cancel",
    ),
]
