"""Public pages of the laws module (no login; every view marked login_not_required)."""

from django.urls import URLPattern, URLResolver, path

from fazhi.laws import views

app_name = "laws_public"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.public_search, name="search"),
    path("d/<int:pk>/", views.document, name="document"),
    path("d/<int:pk>/a/<str:label>/", views.article, name="article"),
    path("d/<int:pk>/compare/", views.compare, name="compare"),
]
