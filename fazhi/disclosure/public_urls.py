"""Public pages of the disclosure module (no login; every view marked login_not_required)."""

from django.urls import URLPattern, URLResolver, path

from fazhi.disclosure import public_views as views

app_name = "disclosure_public"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.apply, name="apply"),
    path("submitted/", views.submitted, name="submitted"),
    path("status/", views.lookup, name="lookup"),
    path("status/<str:code>/", views.status, name="status"),
    path("status/<str:code>/supply/", views.supply, name="supply"),
    path("status/<str:code>/documents/<int:doc>/", views.status_document, name="document"),
]
