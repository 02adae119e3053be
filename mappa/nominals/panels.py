"""Sections other apps add to a nominal's overview page: the registry they fill in.

The case overview shows what every case-work app knows about the nominal (information items
now; meetings and plans later), but those apps sit above this one in the dependency order
(DESIGN.md §3) and cannot be imported from here. Each registers a panel at start-up (its
AppConfig.ready); the overview view asks each for its template and context, in order.

A panel gets the request and the nominal the view has already opened through access_nominal,
so it must read only through its own app's selectors, which scope to the user.
"""

from dataclasses import dataclass
from typing import Any, Protocol

from django.http import HttpRequest

from mappa.nominals.models import Nominal


@dataclass(frozen=True)
class Panel:
    template_name: str
    context: dict[str, Any]


class PanelProvider(Protocol):
    order: int

    def panel(self, request: HttpRequest, nominal: Nominal) -> Panel | None: ...


_providers: list[PanelProvider] = []


def register(provider: PanelProvider) -> None:
    if not any(type(p) is type(provider) for p in _providers):
        _providers.append(provider)
        _providers.sort(key=lambda p: p.order)


def panels_for(request: HttpRequest, nominal: Nominal) -> list[Panel]:
    return [panel for provider in _providers if (panel := provider.panel(request, nominal)) is not None]
