"""Shell pages: home, login and password, health check, error pages."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from fazhi.core import selectors, services
from fazhi.core.models import User

log = logging.getLogger("fazhi.health")


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/home.html",
        {"counts": selectors.home_counts(request.user), "breadcrumbs": []},
    )


@login_not_required
@require_GET
def portal(request: HttpRequest) -> HttpResponse:
    """The public portal's front page: what a citizen can do here without an account."""
    return render(request, "portal/index.html")


@login_not_required
@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        log.error("healthz: database check failed: %s", exc)
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    extra_context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # The admin sends signed-in non-staff users here; answer instead of looping.
        user = request.user
        if (
            user.is_authenticated
            and not user.is_staff
            and request.GET.get("next", "").startswith("/admin/")
        ):
            return permission_denied(request, PermissionDenied("您没有后台管理的权限。"))
        return super().dispatch(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    extra_context = {"breadcrumbs": [{"label": "修改密码"}]}
    success_url = reverse_lazy("home")

    def form_valid(self, form: Any) -> HttpResponse:
        user = self.request.user
        assert isinstance(user, User)  # the view requires a login
        services.password_change(actor=user, new_password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, form.user)
        messages.success(self.request, "密码已修改。")
        return HttpResponseRedirect(self.get_success_url())


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


ERRORS = {
    400: ("请求有误", "提交的请求格式不正确，系统未作任何更改。"),
    413: ("提交的内容过大", "提交的内容超过了系统允许的大小，系统未作任何更改。"),
    417: ("请求有误", "浏览器发送的请求无法处理，请重试。"),
    414: ("网址过长", "网址（含查询条件）过长，系统无法处理。请缩短查询条件后重试。"),
    431: ("请求头过大", "浏览器发送的请求头（如 Cookie）过大。请清除本站 Cookie 后重试。"),
    500: ("系统出错", "服务器处理请求时出错，已记录。请稍后重试；如问题持续，请联系系统管理员。"),
    503: ("系统暂时不可用", "数据库暂时无法连接，请稍后重试。如问题持续，请联系系统管理员。"),
}


def error_page(status: int, message: str = "") -> HttpResponse:
    """A Chinese page for a request the platform refuses before any view runs; it needs no
    database, so the request middleware and the gunicorn worker can use it too."""
    from django.template.loader import render_to_string

    title, default = ERRORS.get(status, ERRORS[400])
    context = {
        "title": title, "message": message or default, "platform_name": settings.PLATFORM_NAME,
        "retry": status >= 500,  # the server's fault: nothing for the user to change
    }  # fmt: skip
    return HttpResponse(render_to_string("error.html", context), status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(400)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors: the database may be what failed.
    return error_page(500)
