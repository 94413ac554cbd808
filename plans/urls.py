from django.urls import path

from . import collaboration_views, export_views, ledger_views, section_views, views

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
    path("workspace/<int:participation>/plan/ledger/", ledger_views.ledger_page, name="ledger"),
    path(
        "workspace/<int:participation>/plan/ledger/<int:import_id>/columns/",
        ledger_views.ledger_columns,
        name="ledger_columns",
    ),
    path(
        "workspace/<int:participation>/plan/ledger/<int:import_id>/",
        ledger_views.ledger_import,
        name="ledger_import",
    ),
    path(
        "workspace/<int:participation>/plan/ledger/<int:import_id>/totals.xlsx",
        ledger_views.ledger_reconciliation,
        {"extension": "xlsx"},
        name="ledger_reconciliation",
    ),
    path(
        "workspace/<int:participation>/plan/ledger/<int:import_id>/totals.csv",
        ledger_views.ledger_reconciliation,
        {"extension": "csv"},
        name="ledger_reconciliation_csv",
    ),
    path(
        "workspace/<int:participation>/plan/ledger/<int:import_id>/progress/",
        ledger_views.ledger_progress,
        name="ledger_progress",
    ),
    path(
        "workspace/<int:participation>/plan/ledger/accounts/",
        ledger_views.ledger_accounts,
        name="ledger_accounts",
    ),
]

urlpatterns += [
    path(
        "workspace/<int:participation>/plan/implementation/",
        section_views.category_plans,
        name="category_plans",
    ),
    path(
        "workspace/<int:participation>/plan/categories/<slug:code>/implementation/",
        section_views.category_plan,
        name="category_plan",
    ),
    path(
        "workspace/<int:participation>/plan/operating-model/",
        section_views.operating_model,
        name="operating_model",
    ),
    path(
        "workspace/<int:participation>/plan/actions/",
        section_views.action_items,
        name="action_items",
    ),
    path(
        "workspace/<int:participation>/plan/actions/new/",
        section_views.action_item_add,
        name="action_item_add",
    ),
    path(
        "workspace/<int:participation>/plan/actions/<int:item_id>/",
        section_views.action_item,
        name="action_item",
    ),
    path(
        "workspace/<int:participation>/plan/actions/<int:item_id>/delete/",
        section_views.action_item_delete,
        name="action_item_delete",
    ),
    path(
        "workspace/<int:participation>/plan/timeline/",
        section_views.timeline,
        name="timeline",
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
