from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from mappa.core import request_context


def _client_address_behind_proxies(request: HttpRequest) -> None:
    """Behind MAPPA_PROXY_COUNT trusted proxies, make REMOTE_ADDR the client's address.

    Each proxy appends the address it received from to X-Forwarded-For, so the client is the
    entry `count` places from the right; anything further left was supplied by the client and
    cannot be trusted. Rewriting REMOTE_ADDR here, early, means django-axes (lock-out) and the
    audit log both see the real client.
    """
    count = settings.MAPPA_PROXY_COUNT
    if count <= 0:
        return
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if len(forwarded) >= count:
        request.META["REMOTE_ADDR"] = forwarded[-count]


class RequestContextMiddleware:
    """Give each request an id (returned as X-Request-ID) and remember the client address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        _client_address_behind_proxies(request)
        token = request_context.begin(ip_address=request.META.get("REMOTE_ADDR") or None)
        ctx = token.var.get()
        try:
            request.request_id = ctx.request_id if ctx else ""  # type: ignore[attr-defined]
            response = self.get_response(request)
            response["X-Request-ID"] = request.request_id  # type: ignore[attr-defined]
            return response
        finally:
            request_context.end(token)


class NoStoreMiddleware:
    """Pages for signed-in users hold OFFICIAL-SENSITIVE data: no browser or proxy may cache them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/static/"):
            response["Cache-Control"] = "no-store, max-age=0"
            response["Pragma"] = "no-cache"
        return response
