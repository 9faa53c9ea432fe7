"""Pages of the workdays module (staff, behind login)."""

from django.urls import URLPattern, URLResolver, path

from fazhi.workdays import views

app_name = "workdays"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.month, name="month"),
    path("import/", views.import_file, name="import"),
    path("day/", views.day_edit, name="day_edit"),
    path("rules/", views.rules, name="rules"),
]
