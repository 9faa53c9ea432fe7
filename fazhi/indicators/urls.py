"""Pages of the indicators module (staff, behind login) and the public 指标佐证 pages."""

from django.urls import URLPattern, URLResolver, path

from fazhi.indicators import views

app_name = "indicators"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard, name="dashboard"),
    path("<int:pk>/", views.indicator_detail, name="indicator"),
    path("<int:pk>/<int:year>/records/", views.indicator_records, name="records"),
    path("<int:pk>/<int:year>/publish", views.publish, name="publish"),
    path("<int:pk>/report", views.value_report, name="value_report"),
    path("values/<int:pk>/revise", views.value_revise, name="value_revise"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("years/close", views.year_close, name="year_close"),
    path("recompute", views.recompute, name="recompute"),
    path("report/", views.report_list, name="report_list"),
    path("assessment/", views.assessment_list, name="assessment_list"),
    path("assessment/new", views.assessment_create, name="assessment_create"),
    path("assessment/<int:pk>/", views.assessment_detail, name="assessment"),
    path("assessment/<int:pk>/ranking.xlsx", views.assessment_export, name="assessment_export"),
    path("assessment/<int:pk>/items", views.assessment_item_add, name="assessment_item_add"),
    path(
        "assessment/<int:pk>/items/<int:item>/remove",
        views.assessment_item_remove,
        name="assessment_item_remove",
    ),
    path("assessment/<int:pk>/score", views.assessment_score, name="assessment_score"),
    path("assessment/<int:pk>/deduct", views.assessment_deduct, name="assessment_deduct"),
    path("annual/", views.report_years, name="report_years"),
    path("annual/track", views.report_track, name="report_track"),
    path("annual/<int:pk>/mark", views.report_mark, name="report_mark"),
    path("annual/<int:pk>/<int:year>.docx", views.report_docx, name="report_docx"),
    # 指标佐证: public, no login (published aggregate figures only).
    path("public/", views.public_index, name="public_index"),
    path("public/<int:year>/<int:pk>/", views.public_detail, name="public_detail"),
]
