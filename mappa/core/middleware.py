from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from mappa.core import request_context


class RequestContextMiddleware:
    """Give each request an id (returned as X-Request-ID) and remember the client address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # REMOTE_ADDR is the proxy's address behind a reverse proxy; the deployment guide has
        # the proxy overwrite it (not append to X-Forwarded-For), so it cannot be spoofed here.
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
