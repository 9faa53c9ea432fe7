"""Pages of the plans module (staff, behind login)."""

from django.urls import URLPattern, URLResolver

app_name = "plans"
urlpatterns: list[URLPattern | URLResolver] = []
