"""Pages of the procedures module (staff, behind login): a case's timeline and documents."""

from django.urls import URLPattern, URLResolver, path

from fazhi.procedures import views

app_name = "procedures"
urlpatterns: list[URLPattern | URLResolver] = [
    path("<int:pk>/", views.timeline, name="timeline"),
    path("<int:pk>/documents/<int:doc>/", views.document, name="document"),
    path("<int:pk>/approvals/<int:approval>/decide", views.approval_decide, name="approval_decide"),
    path(
        "<int:pk>/approvals/<int:approval>/preview/<str:template>",
        views.approval_preview,
        name="approval_preview",
    ),
]
