"""Pages of the workdays module (staff, behind login)."""

from django.urls import URLPattern, URLResolver

app_name = "workdays"
urlpatterns: list[URLPattern | URLResolver] = []
