"""Pages of the indicators module (staff, behind login)."""

from django.urls import URLPattern, URLResolver

app_name = "indicators"
urlpatterns: list[URLPattern | URLResolver] = []
