"""Facts about the current request that the audit log records without every call passing them.

Set by RequestContextMiddleware for web requests; commands may set it too. A context variable,
not a thread-local, so it is correct under ASGI as well as WSGI.
"""

import contextvars
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip_address: str | None = None


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "mappa_request_context", default=None
)


def current() -> RequestContext | None:
    return _current.get()


def begin(ip_address: str | None = None) -> contextvars.Token[RequestContext | None]:
    return _current.set(RequestContext(request_id=uuid.uuid4().hex, ip_address=ip_address))


def end(token: contextvars.Token[RequestContext | None]) -> None:
    _current.reset(token)
