from django.urls import path

from . import views

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
]
