"""Pages of the plans module (staff, behind login)."""

from django.urls import URLPattern, URLResolver, path

from fazhi.plans import views

app_name = "plans"
urlpatterns: list[URLPattern | URLResolver] = [
    path("ledger/", views.ledger_list, name="ledger"),
    path("ledger/<int:pk>/", views.plan_detail, name="plan"),
    path("ledger/<int:pk>/source", views.plan_source, name="plan_source"),
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
