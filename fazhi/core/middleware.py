"""Request log, security headers, no caching of personal pages, and a Chinese 503 page when
the database is down."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import middleware as auth_middleware
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.cache import add_never_cache_headers

from fazhi.core.audit import current_ip

request_log = logging.getLogger("fazhi.request")
error_log = logging.getLogger("fazhi.error")


def client_ip(request: HttpRequest) -> str:
    """The caller's address; X-Forwarded-For is believed only behind configured proxies."""
    proxies = int(getattr(settings, "AXES_IPWARE_PROXY_COUNT", None) or 0)
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= proxies:
            return str(forwarded[-proxies])
    return str(request.META.get("REMOTE_ADDR", ""))


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        ip = client_ip(request)
        token = current_ip.set(ip)
        try:
            response = self.get_response(request)
        finally:
            current_ip.reset(token)
        user = getattr(request, "user", None)
        request_log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "request_id": request_id,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "ip": ip,
                "user_id": user.pk if user is not None and user.is_authenticated else None,
            },
        )
        response["X-Request-ID"] = request_id
        return response


class QueryTextMiddleware:
    """The typed-text rule (fazhi.core.text) for what is not a form: the URL's path and its
    query string (search boxes, list filters). A control character there is a Chinese 400
    page before any view runs; forms check their own fields (fazhi.core.forms)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from fazhi.core.text import control_message
        from fazhi.core.views import error_page

        texts = [request.path, *request.GET.keys()]
        texts += [value for _, values in request.GET.lists() for value in values]
        for text in texts:
            if message := control_message(text, "网址或查询条件"):
                return error_page(400, message)
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set: CSP and Permissions-Policy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class DatabaseUnavailableMiddleware:
    """A database that is down gives a Chinese 503 page, never a stack trace."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        except (OperationalError, InterfaceError) as exc:
            return self._unavailable(exc)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if isinstance(exc, (OperationalError, InterfaceError)):
            return self._unavailable(exc)
        return None

    def _unavailable(self, exc: Exception) -> HttpResponse:
        error_log.error("database unavailable: %s", exc)
        from fazhi.core.views import error_page

        response = error_page(503)
        response["Retry-After"] = "30"
        return response


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    """Every page needs a login unless marked; says so when a session has expired."""

    def handle_no_permission(self, request: HttpRequest, view_func: Any) -> HttpResponseRedirect:
        # A session cookie that no longer names a live session: it expired.
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            messages.info(request, "登录已超时，请重新登录。")
        return super().handle_no_permission(request, view_func)


class NoStoreMiddleware:
    """Nothing shown to a logged-in user is kept by a browser or proxy cache: every such
    page and download may hold personal data (Cache-Control: no-store, Django's
    add_never_cache_headers). Public pages that show a request mark themselves with
    never_cache. Static files are served by WhiteNoise before this runs and keep their
    long cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
