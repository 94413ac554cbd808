from django.urls import path

from . import collaboration_views, views

app_name = "plans"

urlpatterns = [
    path("workspace/<int:participation>/plan/", views.plan, name="plan"),
    path("workspace/<int:participation>/plan/spend/", views.spend, name="spend"),
    path(
        "workspace/<int:participation>/plan/categories/<slug:code>/",
        views.category,
        name="category",
    ),
    path("workspace/<int:participation>/plan/pilot/", views.pilot, name="pilot"),
    path(
        "workspace/<int:participation>/plan/measures/<int:measure_id>/",
        views.measure,
        name="measure",
    ),
    path(
        "workspace/<int:participation>/plan/comments/",
        collaboration_views.comments,
        name="comments",
    ),
    path(
        "workspace/<int:participation>/plan/history/",
        collaboration_views.history,
        name="history",
    ),
    path("workspace/<int:participation>/plan/submit/", collaboration_views.submit, name="submit"),
    path(
        "workspace/<int:participation>/plan/submissions/<int:submission_id>/",
        collaboration_views.submission,
        name="submission",
    ),
]
