"""Core pages beyond the shell (organisations, users, audit)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
