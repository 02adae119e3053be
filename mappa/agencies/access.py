"""Single areas, agencies and agreements, reached only through the selectors.

Each raises the same Http404 for "no such object" and "not in your areas", so a user of one
area cannot learn what another area's register holds by trying ids. Consultations are not
audited here: these records describe organisations and agreements, not people.
"""

from django.http import Http404

from mappa.agencies.models import Agency, InformationSharingAgreement, MappaArea
from mappa.agencies.selectors import agency_list, agreement_list, area_list
from mappa.core.types import AnyUser


def access_area(user: AnyUser, pk: int) -> MappaArea:
    area = area_list(fetched_by=user).filter(pk=pk).first()
    if area is None:
        raise Http404("No such area")
    return area


def access_agency(user: AnyUser, pk: int) -> Agency:
    agency = agency_list(fetched_by=user).filter(pk=pk).first()
    if agency is None:
        raise Http404("No such agency")
    return agency


def access_agreement(user: AnyUser, pk: int) -> InformationSharingAgreement:
    agreement = agreement_list(fetched_by=user).filter(pk=pk).first()
    if agreement is None:
        raise Http404("No such agreement")
    return agreement
