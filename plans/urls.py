from django.urls import path

from . import export_views, views

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
        "workspace/<int:participation>/plan/export/analysis.xlsx",
        export_views.analysis_xlsx,
        name="export_analysis",
    ),
    path(
        "workspace/<int:participation>/plan/export/plan.pdf",
        export_views.plan_pdf,
        name="export_pdf",
    ),
]
