"""Pages of the workdays module (staff, behind login)."""

from django.urls import URLPattern, URLResolver, path
from django.views.generic import RedirectView

from fazhi.workdays import views

app_name = "workdays"
urlpatterns: list[URLPattern | URLResolver] = [
    # The month page has its own path so the nav does not mark it active on /calendar/rules/.
    path("", RedirectView.as_view(pattern_name="workdays:month", query_string=True), name="index"),
    path("month/", views.month, name="month"),
    path("import/", views.import_file, name="import"),
    path("day/", views.day_edit, name="day_edit"),
    path("rules/", views.rules, name="rules"),
]
