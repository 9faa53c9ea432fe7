"""Public pages of the laws module (no login; every view marked login_not_required)."""

from django.urls import URLPattern, URLResolver

app_name = "laws_public"
urlpatterns: list[URLPattern | URLResolver] = []
