"""Pages of the procedures module (staff, behind login): a case's timeline, its documents
and the forms of its parts (parties, participating units, links, 日程)."""

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
    path("<int:pk>/parties/add", views.party_add, name="party_add"),
    path("<int:pk>/parties/<int:party>/remove", views.party_remove, name="party_remove"),
    path("<int:pk>/participants/add", views.participant_add, name="participant_add"),
    path("<int:pk>/links/add", views.link_add, name="link_add"),
    path("<int:pk>/appointments/add", views.appointment_add, name="appointment_add"),
    path(
        "<int:pk>/appointments/<int:appointment>/cancel",
        views.appointment_cancel,
        name="appointment_cancel",
    ),
]
