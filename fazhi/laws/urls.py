"""Pages of the laws module (staff, behind login)."""

from django.urls import URLPattern, URLResolver, path

from fazhi.laws import views

app_name = "laws"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.staff_search, name="search"),
    path("normative/", views.normative_list, name="normative_list"),
    path("normative/new/", views.normative_create, name="normative_create"),
    path("normative/<int:pk>/", views.normative_detail, name="normative_detail"),
    path("normative/<int:pk>/register/", views.normative_register, name="normative_register"),
    path("normative/<int:pk>/publish/", views.normative_publish, name="normative_publish"),
    path("normative/<int:pk>/file/", views.normative_file, name="normative_file"),
    path("cleanup/", views.cleanup_list, name="cleanup_list"),
    path("cleanup/<int:pk>/", views.cleanup_detail, name="cleanup_detail"),
]
