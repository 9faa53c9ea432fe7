"""Core pages beyond the shell: units, users, audit trail."""

from django.urls import URLPattern, path

from fazhi.core import admin_views as views
from fazhi.core import views as shell_views

urlpatterns: list[URLPattern] = [
    path("orgs/", views.org_list, name="org_list"),
    path("orgs/new/", views.org_edit, name="org_new"),
    path("orgs/<int:pk>/", views.org_detail, name="org_detail"),
    path("orgs/<int:pk>/edit/", views.org_edit, name="org_edit"),
    path("orgs/<int:pk>/delete/", views.org_delete, name="org_delete"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_edit, name="user_new"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/password/", views.user_password, name="user_password"),
    path("audit/", views.audit_list, name="audit_list"),
    path("queue/", shell_views.queue, name="queue"),
    path("notifications/", shell_views.notification_list, name="notifications"),
    path("notifications/read", shell_views.notification_read, name="notifications_read"),
]
