"""One nominal, through the register selector; every look at it is an audited consultation.

`access_nominal` raises the same Http404 for a nominal that does not exist and one the user may
not see, so trying ids reveals nothing. Opening a nominal is a consultation of personal data
(DPA 2018 s.62): the event, with the user's basis for looking as its justification, is written
before the nominal is returned, so nothing is shown unless the record of it was made.

The object rules for changing a nominal live here too: the permission (has_permission) says
what a role may do, these say to which nominals.
"""

from django.db import transaction
from django.http import Http404

from mappa.audit.models import Action
from mappa.audit.services import record_event
from mappa.authorization.permissions import Permission
from mappa.authorization.utils import acting_membership, has_permission
from mappa.core.types import AnyUser
from mappa.nominals.models import Nominal, NominalTransfer
from mappa.nominals.selectors import nominal_list, ra_areas, transfer_list

# The co-ordinator runs the area's MAPPA unit for the Responsible Authority (MAPPA Guidance
# ch. 2), so they may change any nominal of the area; other staff only those their agency leads.
COORDINATOR_ROLE = "mappa_coordinator"


def is_coordinator(user: AnyUser) -> bool:
    membership = acting_membership(user)
    return membership is not None and COORDINATOR_ROLE in membership.roles


def justification(user: AnyUser, nominal: Nominal) -> str:
    """The user's legitimate relationship to the case, recorded with each consultation."""
    membership = acting_membership(user)
    if membership is not None and membership.agency_id == nominal.lead_agency_id:
        return "Lead agency of the nominal"
    if ra_areas(user).filter(pk=nominal.area_id).exists():
        return "Responsible Authority of the area"
    return "Receiving area of a transfer"


def access_nominal(user: AnyUser, pk: int) -> Nominal:
    nominal = nominal_list(fetched_by=user).filter(pk=pk).first()
    if nominal is None:
        raise Http404("No such nominal")
    with transaction.atomic():
        record_event(
            action=Action.CONSULTATION,
            actor=user,
            summary="Nominal consulted",
            object_type="nominal",
            object_id=nominal.pk,
            object_agency_id=nominal.lead_agency_id,
            nominal_id=nominal.pk,
            justification=justification(user, nominal),
        )
    return nominal


def can_manage(user: AnyUser, nominal: Nominal) -> bool:
    """Whether the user may change this nominal (category, level, lead agency, status, exit).

    A co-ordinator of a Responsible Authority agency serving the nominal's area, or a holder of
    NOMINAL_MANAGE acting for the nominal's lead agency; in both cases the nominal must be one
    the user can see in its own area's register (not merely an incoming transfer).
    """
    if not has_permission(user, Permission.NOMINAL_MANAGE):
        return False
    if not ra_areas(user).filter(pk=nominal.area_id).exists():
        return False
    if is_coordinator(user):
        return True
    membership = acting_membership(user)
    return membership is not None and membership.agency_id == nominal.lead_agency_id


def can_request_transfer(user: AnyUser, nominal: Nominal) -> bool:
    return has_permission(user, Permission.NOMINAL_TRANSFER) and can_manage(user, nominal)


def can_accept_transfer(user: AnyUser, transfer: NominalTransfer) -> bool:
    """Only a co-ordinator of the receiving area acknowledges a transfer in."""
    if not has_permission(user, Permission.NOMINAL_TRANSFER):
        return False
    if not is_coordinator(user):
        return False
    return ra_areas(user).filter(pk=transfer.to_area_id).exists()


def can_make_transfer_effective(user: AnyUser, transfer: NominalTransfer) -> bool:
    """The sending side (as for a request) or the receiving area's co-ordinator."""
    return can_accept_transfer(user, transfer) or can_request_transfer(user, transfer.nominal)


def access_transfer(user: AnyUser, pk: int) -> NominalTransfer:
    transfer = (
        transfer_list(fetched_by=user).select_related("nominal", "from_area", "to_area").filter(pk=pk).first()
    )
    if transfer is None:
        raise Http404("No such transfer")
    return transfer
