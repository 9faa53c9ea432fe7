"""Pages of the laws module (staff, behind login)."""

from django.urls import URLPattern, URLResolver

app_name = "laws"
urlpatterns: list[URLPattern | URLResolver] = []
