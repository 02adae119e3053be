"""One disclosure record, through its selector: one 404 for missing or hidden; every look logged.

Opening a disclosure record is a consultation of the personal data in it (DPA 2018 s.62). The
justification is the user's agency's part in it (selectors.disclosure_list says which parts
count) or, failing a legitimate relationship to the case, the reason they typed to open the case
("break glass", nominals.opening), which is asked for first through nominals.ReasonRequired.

The object rules (who may fill in, decide, deliver) live here too, built on the permissions.
"""

from django.db import transaction
from django.http import Http404, HttpRequest

from mappa.audit.models import BREAK_GLASS_BASIS, Action
from mappa.audit.services import record_event
from mappa.authorization.permissions import Permission
from mappa.authorization.utils import acting_membership, has_permission
from mappa.core.types import AnyUser
from mappa.disclosures.models import Disclosure
from mappa.disclosures.selectors import disclosure_list
from mappa.nominals.access import REASON_MIN_LENGTH, ReasonRequired, legitimate_basis
from mappa.nominals.opening import remembered_reason
from mappa.nominals.selectors import ra_areas


def disclosure_basis(user: AnyUser, disclosure: Disclosure) -> str | None:
    membership = acting_membership(user)
    if membership is None:
        return None
    if membership.agency_id == disclosure.proposing_agency_id:
        return f"Proposing agency of {disclosure.reference}"
    return legitimate_basis(user, disclosure.nominal)


def access_disclosure(user: AnyUser, pk: int, *, reason: str = "", record: bool = True) -> Disclosure:
    """The disclosure, after recording the consultation. `reason`: as for access_nominal."""
    disclosure = disclosure_list(fetched_by=user).filter(pk=pk).first()
    if disclosure is None:
        raise Http404("No such disclosure")
    if not record:
        return disclosure
    basis = disclosure_basis(user, disclosure)
    detail = {}
    if basis is None:
        reason = reason.strip()
        if len(reason) < REASON_MIN_LENGTH:
            raise ReasonRequired(disclosure.nominal)
        basis = f"Reason given: {reason}"
        detail = {"basis": BREAK_GLASS_BASIS}
    with transaction.atomic():
        record_event(
            action=Action.CONSULTATION,
            actor=user,
            summary="Disclosure record consulted",
            object_type="disclosure",
            object_id=disclosure.pk,
            object_agency_id=disclosure.proposing_agency_id,
            nominal_id=disclosure.nominal_id,
            justification=basis,
            detail=detail,
        )
    return disclosure


def open_disclosure(request: HttpRequest, pk: int, *, record: bool = True) -> Disclosure:
    """access_disclosure for a page, with the reason the user gave to open the case, if any."""
    disclosure = access_disclosure(request.user, pk, record=False)
    if not record:
        return disclosure
    return access_disclosure(request.user, pk, reason=remembered_reason(request, disclosure.nominal_id))


def _acting_agency_id(user: AnyUser) -> int | None:
    membership = acting_membership(user)
    return membership.agency_id if membership is not None else None


def can_record(user: AnyUser, disclosure: Disclosure) -> bool:
    """Fill in the proposal, prepare and deliver: DISCLOSURE_RECORD, acting for the proposing
    agency, the lead agency, or a Responsible Authority agency of the area (police and probation
    make disclosures jointly, whoever proposed them)."""
    if not has_permission(user, Permission.DISCLOSURE_RECORD):
        return False
    agency_id = _acting_agency_id(user)
    if agency_id in (disclosure.proposing_agency_id, disclosure.nominal.lead_agency_id):
        return True
    return ra_areas(user).filter(pk=disclosure.nominal.area_id).exists()


def can_decide(user: AnyUser, disclosure: Disclosure) -> bool:
    """Decide (and reconsider after a refused undertaking): a meeting chair of a Responsible
    Authority agency of the nominal's area. At a meeting it must be that meeting's chair, which
    the decision service checks against the minutes named."""
    return (
        has_permission(user, Permission.DISCLOSURE_DECIDE)
        and ra_areas(user).filter(pk=disclosure.nominal.area_id).exists()
    )
