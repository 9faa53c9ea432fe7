"""URL configuration."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView

from fazhi.core import views as core_views

admin.site.site_header = "法治政府建设管理平台 · 后台管理"
admin.site.site_title = "后台管理"
admin.site.index_title = "后台数据"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path(
        "accounts/login/",
        login_not_required(core_views.LoginView.as_view()),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", core_views.PasswordChangeView.as_view(), name="password_change"),
    # The admin uses the platform's own login page.
    path(
        "admin/login/",
        login_not_required(RedirectView.as_view(pattern_name="login", query_string=True)),
    ),
    path("admin/", admin.site.urls),
    path("", include("fazhi.core.urls")),
    path("calendar/", include("fazhi.workdays.urls")),
    path("plans/", include("fazhi.plans.urls")),
    path("cases/", include("fazhi.procedures.urls")),
    path("disclosure/", include("fazhi.disclosure.urls")),
    path("laws/", include("fazhi.laws.urls")),
    path("indicators/", include("fazhi.indicators.urls")),
    # Public pages (no login), each module's under its own prefix.
    path("public/", core_views.portal, name="portal"),
    path("public/laws/", include("fazhi.laws.public_urls")),
    path("public/disclosure/", include("fazhi.disclosure.public_urls")),
]

handler400 = "fazhi.core.views.bad_request"
handler404 = "fazhi.core.views.page_not_found"
handler403 = "fazhi.core.views.permission_denied"
handler500 = "fazhi.core.views.server_error"
