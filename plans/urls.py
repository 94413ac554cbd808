from django.urls import path

from .views import collaboration, exports, ledger, plan, sections

app_name = "plans"

urlpatterns = [
    path("workspace/<int:participation>/plan/", plan.plan, name="plan"),
    path("workspace/<int:participation>/plan/spend/", plan.spend, name="spend"),
    path(
        "workspace/<int:participation>/plan/categories/<slug:code>/",
        plan.category,
        name="category",
    ),
    path("workspace/<int:participation>/plan/pilot/", plan.pilot, name="pilot"),
    path(
        "workspace/<int:participation>/plan/measures/<int:measure_id>/",
        plan.measure,
        name="measure",
    ),
    path("workspace/<int:participation>/plan/ledger/", ledger.ledger_page, name="ledger"),
    path(
        "workspace/<int:participation>/plan/ledger/<int:import_id>/columns/",
        ledger.ledger_columns,
        name="ledger_columns",
    ),
    path(
        "workspace/<int:participation>/plan/ledger/<int:import_id>/",
        ledger.ledger_import,
        name="ledger_import",
    ),
    path(
        "workspace/<int:participation>/plan/ledger/<int:import_id>/totals.xlsx",
        ledger.ledger_reconciliation,
        {"extension": "xlsx"},
        name="ledger_reconciliation",
    ),
    path(
        "workspace/<int:participation>/plan/ledger/<int:import_id>/totals.csv",
        ledger.ledger_reconciliation,
        {"extension": "csv"},
        name="ledger_reconciliation_csv",
    ),
    path(
        "workspace/<int:participation>/plan/ledger/<int:import_id>/progress/",
        ledger.ledger_progress,
        name="ledger_progress",
    ),
    path(
        "workspace/<int:participation>/plan/ledger/accounts/",
        ledger.ledger_accounts,
        name="ledger_accounts",
    ),
]

urlpatterns += [
    path(
        "workspace/<int:participation>/plan/implementation/",
        sections.category_plans,
        name="category_plans",
    ),
    path(
        "workspace/<int:participation>/plan/categories/<slug:code>/implementation/",
        sections.category_plan,
        name="category_plan",
    ),
    path(
        "workspace/<int:participation>/plan/operating-model/",
        sections.operating_model,
        name="operating_model",
    ),
    path(
        "workspace/<int:participation>/plan/actions/",
        sections.action_items,
        name="action_items",
    ),
    path(
        "workspace/<int:participation>/plan/actions/new/",
        sections.action_item_add,
        name="action_item_add",
    ),
    path(
        "workspace/<int:participation>/plan/actions/<int:item_id>/",
        sections.action_item,
        name="action_item",
    ),
    path(
        "workspace/<int:participation>/plan/actions/<int:item_id>/delete/",
        sections.action_item_delete,
        name="action_item_delete",
    ),
    path(
        "workspace/<int:participation>/plan/timeline/",
        sections.timeline,
        name="timeline",
    ),
    path(
        "workspace/<int:participation>/plan/export/analysis.xlsx",
        exports.analysis_xlsx,
        name="export_analysis",
    ),
    path(
        "workspace/<int:participation>/plan/export/plan.pdf",
        exports.plan_pdf,
        name="export_pdf",
    ),
    path(
        "workspace/<int:participation>/plan/comments/",
        collaboration.comments,
        name="comments",
    ),
    path(
        "workspace/<int:participation>/plan/history/",
        collaboration.history,
        name="history",
    ),
    path("workspace/<int:participation>/plan/submit/", collaboration.submit, name="submit"),
    path(
        "workspace/<int:participation>/plan/submissions/<int:submission_id>/",
        collaboration.submission,
        name="submission",
    ),
]
