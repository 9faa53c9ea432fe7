"""Shell pages: home, login and password, health check, error pages."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from fazhi.core import notifications, selectors, services, workqueue
from fazhi.core.forms import NotificationReadForm, QueueFilterForm, posted
from fazhi.core.models import User
from fazhi.core.params import int_param

log = logging.getLogger("fazhi.health")


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/home.html",
        {
            "counts": selectors.home_counts(request.user),
            "queue": _queue_counts(request),
            "breadcrumbs": [],
        },
    )


def _queue_counts(request: HttpRequest) -> list[workqueue.Count]:
    """The user's queue counts, read once per request (the page and its top bar)."""
    counts = workqueue.counts(request.user)
    request.queue_total = sum(c.value for c in counts)  # type: ignore[attr-defined]
    return counts


@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """我的待办: what waits for the user across the modules, filtered by module and kind."""
    user = request.user
    with workqueue.reading():  # the counts and the page share what they read
        return _queue(request, user)


def _queue(request: HttpRequest, user: Any) -> HttpResponse:
    counts = _queue_counts(request)
    form = QueueFilterForm(request.GET or None, counts=counts)
    error = ""
    if request.GET and not form.is_valid():
        error = "；".join(
            f"{form.fields[name].label}：{text}" if name in form.fields else str(text)
            for name, errors in form.errors.items()
            for text in errors
        )
    data = form.cleaned_data if form.is_bound and not error else {}
    page = workqueue.page(
        user, module=data.get("module") or "", kind=data.get("kind") or "",
        number=data.get("page") or 1, known=counts,
    )  # fmt: skip
    if error:
        page = workqueue.Page([], 1, 1, 0, False, counts)
    items = [{**vars(i), "module_label": workqueue.module_label(i.module)} for i in page.items]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "core/queue.html",
        {
            "form": form, "page": _Shown(page, items), "error": error, "query": query.urlencode(),
            "shown_cap": workqueue.MAX_PAGES * workqueue.PAGE_SIZE,
            "breadcrumbs": [{"label": "我的待办"}],
        },
        status=400 if error else 200,
    )  # fmt: skip


class _Shown:
    """A queue page as the template and the shared pager read it."""

    def __init__(self, page: workqueue.Page, items: list[dict[str, Any]]) -> None:
        self.items, self.count, self.capped = items, page.count, page.capped
        self.number, self.has_previous, self.has_next = (
            page.number,
            page.has_previous,
            page.has_next,
        )
        self.previous_page_number = page.previous_page_number
        self.next_page_number = page.next_page_number
        self.paginator = {"num_pages": page.num_pages}


NOTIFICATIONS_PAGE = 50


@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    rows = notifications.notifications_for(request.user)
    page = Paginator(rows, NOTIFICATIONS_PAGE).get_page(int_param(request.GET.get("page")) or 1)
    for n in page:
        n.kind_label = notifications.kind_label(n.kind)  # type: ignore[attr-defined]
        n.safe_url = notifications.safe_url(n.url) and bool(n.url)  # type: ignore[attr-defined]
    return render(
        request, "core/notifications.html",
        {
            "items": page, "page": page, "unread": notifications.unread_count(request.user),
            "breadcrumbs": [{"label": "通知"}],
        },
    )  # fmt: skip


@require_POST
def notification_read(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # the view requires a login
    try:
        post = posted(NotificationReadForm, request)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("notifications")
    pk = post["id"]
    notifications.notification_mark_read(actor=user, ids=[pk] if pk else None)
    target = post["next"] or ""
    if target and notifications.safe_url(target):
        return redirect(target)
    return redirect("notifications")


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
