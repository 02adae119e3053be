"""Which agencies are involved with a nominal: the registry the case-work apps fill in.

A duty-to-co-operate or associate agency sees a nominal only while it is involved with it, and
a user whose agency is involved opens the case without having to give a reason (DESIGN.md §5).
Involvement comes from apps above this one in the dependency order (information sharing now,
meetings later), which cannot be imported from here; each registers a provider at start-up
(its AppConfig.ready) and the nominal selectors and access ask every provider.

Providers answer from live data, not from a copy kept up to date: a share that expires or is
revoked ends the involvement it gave at that moment, with nothing to forget to update.
"""

from typing import Any, Protocol

from django.db.models import QuerySet


class InvolvementProvider(Protocol):
    def nominal_ids(self, *, agency_id: int) -> QuerySet[Any]:
        """A `values("...")` query of the ids of the nominals the agency is involved with."""
        ...

    def basis(self, *, agency_id: int, nominal_id: int) -> str | None:
        """Why the agency is involved with the nominal, in words for the audit log, or None."""
        ...


_providers: list[InvolvementProvider] = []


def register(provider: InvolvementProvider) -> None:
    if not any(type(p) is type(provider) for p in _providers):
        _providers.append(provider)


def providers() -> tuple[InvolvementProvider, ...]:
    return tuple(_providers)


def involved_nominal_ids(agency_id: int) -> list[QuerySet[Any]]:
    return [provider.nominal_ids(agency_id=agency_id) for provider in _providers]


def involvement_basis(agency_id: int, nominal_id: int) -> str | None:
    for provider in _providers:
        basis = provider.basis(agency_id=agency_id, nominal_id=nominal_id)
        if basis:
            return basis
    return None
