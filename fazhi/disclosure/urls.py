"""Pages of the disclosure module (staff, behind login)."""

from django.urls import URLPattern, URLResolver

app_name = "disclosure"
urlpatterns: list[URLPattern | URLResolver] = []
