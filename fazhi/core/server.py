"""How `fazhi serve` runs gunicorn: no database connection crosses the fork, and requests
gunicorn itself refuses (a very long URL, oversized headers, a malformed request line) get
the platform's Chinese page instead of gunicorn's English one."""

from __future__ import annotations

import logging
from typing import Any

from django.db import connections
from gunicorn.http import errors
from gunicorn.workers.sync import SyncWorker

log = logging.getLogger("fazhi.server")

# gunicorn's request-parsing errors → the status we answer with.
_STATUS: tuple[tuple[type[Exception], int], ...] = (
    # The application's own fault, not the client's.
    (errors.InvalidResponseHeader, 500),
    (errors.InvalidResponseHeaderName, 500),
    (errors.ConfigurationProblem, 500),
    (errors.LimitRequestLine, 414),
    (errors.ExpectationFailed, 417),
    (errors.LimitRequestHeaders, 431),
    (errors.ForbiddenProxyRequest, 403),
    (errors.UnsupportedTransferCoding, 501),
    (errors.ParseException, 400),
)
_REASONS = {400: "Bad Request", 403: "Forbidden", 414: "URI Too Long",
            417: "Expectation Failed", 431: "Request Header Fields Too Large", 500: "Internal Server Error",
            501: "Not Implemented"}  # fmt: skip


def close_connections() -> None:
    """Close every database connection this process holds: a forked worker must open its
    own, never share the master's socket (PostgreSQL: "lost synchronization with server")."""
    connections.close_all()


def post_fork(server: Any, worker: Any) -> None:
    """gunicorn hook, in the new worker: it starts with no connection of its own."""
    for conn in connections.all(initialized_only=True):
        if conn.connection is not None:
            log.error("database connection inherited across fork; discarded")
            conn.connection = None  # never close: the socket belongs to the master


def error_response(status: int) -> bytes:
    """An HTTP/1.1 response with the platform's Chinese error page."""
    from fazhi.core.views import error_page

    if status not in _REASONS:
        status = 500
    if status == 500:
        body = (
            "<!doctype html><meta charset=utf-8><title>系统出错</title><h1>系统出错</h1>".encode()
        )
    else:
        body = bytes(error_page(status).content)
    head = (
        f"HTTP/1.1 {status} {_REASONS[status]}\r\nConnection: close\r\n"
        f"Content-Type: text/html; charset=utf-8\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


class Worker(SyncWorker):  # type: ignore[misc]
    """gunicorn's sync worker with Chinese error pages."""

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        status = next((code for kind, code in _STATUS if isinstance(exc, kind)), 500)
        address = addr[0] if addr else ""
        if status == 500:
            self.log.exception("Error handling request")
        else:
            self.log.warning("Invalid request from ip=%s: %s", address, exc)
        try:
            client.sendall(error_response(status))
        except OSError:
            self.log.debug("Failed to send error message.")
