"""Reads of disclosure records, always scoped to the asking user (DESIGN.md §4 rule 2).

A disclosure record names victims, partners and children and what they were told, so it is
narrower than the case: a user sees it only if they hold DISCLOSURE_VIEW, can see the nominal
(nominals.selectors.nominal_list), and their acting agency takes part in it:
- a Responsible Authority agency serving the nominal's area (police and probation make and
  deliver disclosures, and chairs decide them);
- the nominal's lead agency, or the agency that proposed the disclosure;
- an agency whose information items it draws on (it must agree to each being disclosed);
- an agency consulted on it (an emergency decision, or the senior youth justice or children's
  services manager consulted where a child is involved).
Other agencies involved with the case see nothing of it.

The delivery-phase selectors live in selectors_delivery.py; this module holds the base scope
every page builds on.
"""

from django.db.models import Q, QuerySet

from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.types import AnyUser
from mappa.disclosures.models import Disclosure
from mappa.nominals.selectors import acting_agency, nominal_list, ra_areas


def disclosure_list(*, fetched_by: AnyUser) -> QuerySet[Disclosure]:
    if not has_permission(fetched_by, Permission.DISCLOSURE_VIEW):
        return Disclosure.objects.none()
    agency = acting_agency(fetched_by)
    if agency is None:
        return Disclosure.objects.none()
    takes_part = (
        Q(nominal__area__in=ra_areas(fetched_by))
        | Q(nominal__lead_agency=agency)
        | Q(proposing_agency=agency)
        | Q(pk__in=Disclosure.objects.filter(items__item__owner_agency=agency).values("pk"))
        | Q(pk__in=Disclosure.objects.filter(consultations__agency=agency).values("pk"))
        | Q(youth_consultee_agency=agency)
    )
    # A subquery rather than a join with distinct(): callers filter and count the result freely.
    visible = Disclosure.objects.filter(takes_part, nominal__in=nominal_list(fetched_by=fetched_by)).values(
        "pk"
    )
    return (
        Disclosure.objects.filter(pk__in=visible)
        .select_related(
            "nominal__person", "nominal__area", "nominal__lead_agency", "proposing_agency", "proposed_by"
        )
        .order_by("-created_at", "-pk")
    )


def nominal_disclosures(*, nominal_id: int, fetched_by: AnyUser) -> QuerySet[Disclosure]:
    return disclosure_list(fetched_by=fetched_by).filter(nominal_id=nominal_id)
