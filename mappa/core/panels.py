"""Sections that apps higher in the dependency order add to a lower app's page: a registry.

A nominal's overview shows what every case-work app knows about the case (information items
now; meetings and plans later), and a person record's page shows the information held about
that person. Those apps sit above `nominals` and `people` (DESIGN.md §3) and cannot be imported
from them. Each registers a panel for a page ("nominal", "person", "meeting_pack", "minutes") at
start-up, in its AppConfig.ready(); the page's view asks each panel for its template and
context, in order.

A panel gets the request and the object the view has already opened through its access
function (which recorded the consultation), so it must read only through its own app's
selectors, which scope to the user.
"""

from dataclasses import dataclass
from typing import Any, Protocol

from django.http import HttpRequest


@dataclass(frozen=True)
class Panel:
    template_name: str
    context: dict[str, Any]


class PanelProvider(Protocol):
    order: int

    def panel(self, request: HttpRequest, obj: Any) -> Panel | None: ...


_providers: dict[str, list[PanelProvider]] = {}


def register(page: str, provider: PanelProvider) -> None:
    providers = _providers.setdefault(page, [])
    if not any(type(p) is type(provider) for p in providers):
        providers.append(provider)
        providers.sort(key=lambda p: p.order)


def panels_for(page: str, request: HttpRequest, obj: Any) -> list[Panel]:
    return [
        panel for provider in _providers.get(page, []) if (panel := provider.panel(request, obj)) is not None
    ]
