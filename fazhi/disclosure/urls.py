"""Pages of the disclosure module (staff, behind login)."""

from django.urls import URLPattern, URLResolver, path

from fazhi.disclosure import views

app_name = "disclosure"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.request_list, name="list"),
    path("new/", views.request_create, name="create"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/act/<slug:action>/", views.request_act, name="act"),
    path("figures/", views.figures, name="figures"),
    path("figures/records/", views.figure_records, name="records"),
]
