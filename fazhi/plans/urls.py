"""Pages of the plans module (staff, behind login)."""

from django.urls import URLPattern, URLResolver, path
from django.views.generic import RedirectView

from fazhi.plans import views

app_name = "plans"
urlpatterns: list[URLPattern | URLResolver] = [
    # /plans/ itself is where a person typing the address lands: the list of plans.
    path("", RedirectView.as_view(pattern_name="plans:ledger"), name="index"),
    path("ledger/", views.ledger_list, name="ledger"),
    path("ledger/<int:pk>/", views.plan_detail, name="plan"),
    path("ledger/<int:pk>/source", views.plan_source, name="plan_source"),
    path("ledger/<int:pk>/matrix/", views.plan_matrix, name="matrix"),
    path("ledger/<int:pk>/ledger.xlsx", views.plan_export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("ledger/<int:pk>/summary.docx", views.plan_export, {"fmt": "docx"}, name="export_docx"),
    path("ledger/<int:pk>/reporting", views.plan_reporting, name="plan_reporting"),
    path("ledger/<int:pk>/import/", views.ledger_import, name="ledger_import"),
    path("ledger-imports/<int:pk>/", views.ledger_import_preview, name="ledger_import_preview"),
    path(
        "ledger-imports/<int:pk>/confirm",
        views.ledger_import_confirm,
        name="ledger_import_confirm",
    ),
    path("mine/", views.my_tasks, name="mine"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/report", views.task_report, name="task_report"),
    path("tasks/<int:pk>/consolidate", views.task_consolidate, name="task_consolidate"),
    path("tasks/<int:pk>/assign", views.task_assign, name="task_assign"),
    path("tasks/<int:pk>/supervise", views.task_supervise, name="task_supervise"),
    path("consolidations/<int:pk>/decide", views.consolidation_decide, name="decide"),
    path("reports/<int:pk>/return", views.report_return, name="report_return"),
    path("evidence/<int:pk>", views.evidence_download, name="evidence"),
    path("supervision/", views.notice_list, name="notices"),
    path("supervision/<int:pk>/", views.notice_detail, name="notice"),
    path("supervision/<int:pk>/reply", views.notice_reply, name="notice_reply"),
    path("supervision/<int:pk>/decide", views.notice_decide, name="notice_decide"),
    path("supervision/<int:pk>/print", views.notice_print, name="notice_print"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.draft_preview, name="draft"),
    path("import/<int:pk>/title", views.draft_title, name="draft_title"),
    path("import/<int:pk>/units", views.draft_units, name="draft_units"),
    path("import/<int:pk>/measures/<int:number>", views.draft_measure, name="draft_measure"),
    path(
        "import/<int:pk>/tasks/<int:number>/<int:position>",
        views.draft_task,
        name="draft_task",
    ),
    path("import/<int:pk>/confirm", views.draft_confirm, name="draft_confirm"),
    path("import/<int:pk>/discard", views.draft_discard, name="draft_discard"),
]
