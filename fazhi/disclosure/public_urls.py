"""Public pages of the disclosure module (no login; every view marked login_not_required)."""

from django.urls import URLPattern, URLResolver

app_name = "disclosure_public"
urlpatterns: list[URLPattern | URLResolver] = []
