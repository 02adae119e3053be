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

from mappa.audit.models import BREAK_GLASS_BASIS, Action
from mappa.audit.services import record_event
from mappa.authorization.permissions import Permission
from mappa.authorization.utils import acting_membership, has_permission
from mappa.core.types import AnyUser
from mappa.nominals.involvement import involvement_basis
from mappa.nominals.models import OPEN_TRANSFER_STATUSES, Nominal, NominalTransfer
from mappa.nominals.selectors import nominal_list, ra_areas, transfer_list

# The co-ordinator runs the area's MAPPA unit for the Responsible Authority (MAPPA Guidance
# ch. 2), so they may change any nominal of the area; other staff only those their agency leads.
COORDINATOR_ROLE = "mappa_coordinator"


def is_coordinator(user: AnyUser) -> bool:
    membership = acting_membership(user)
    return membership is not None and COORDINATOR_ROLE in membership.roles


# Audit events of consultations made on a reason the user typed carry this in detail["basis"],
# so auditors can list them (mappa/audit/selectors.py).
BREAK_GLASS = BREAK_GLASS_BASIS
REASON_MIN_LENGTH = 10


class ReasonRequired(Exception):
    """The user has no legitimate relationship to the case: they must say why they are opening it."""

    def __init__(self, nominal: Nominal) -> None:
        super().__init__(f"A reason is needed to open nominal {nominal.pk}")
        self.nominal = nominal


def legitimate_basis(user: AnyUser, nominal: Nominal) -> str | None:
    """The user's agency's legitimate relationship to the case, or None (DPA 2018 s.62(2)).

    Lead agency, the area's MAPPA co-ordinator (who runs the unit for the Responsible Authority),
    an agency involved through information it owns or a share it holds (involvement.py), or the
    co-ordinator of the area a transfer is coming into. Being on the area's register is not by
    itself a reason to open a case: anyone else must give one, which is then recorded.
    """
    membership = acting_membership(user)
    if membership is None:
        return None
    if membership.agency_id == nominal.lead_agency_id:
        return "Lead agency of the nominal"
    coordinator = is_coordinator(user)
    if coordinator and ra_areas(user).filter(pk=nominal.area_id).exists():
        return "MAPPA co-ordinator of the area"
    basis = involvement_basis(membership.agency_id, nominal.pk)
    if basis:
        return basis
    if (
        coordinator
        and transfer_list(fetched_by=user)
        .filter(nominal=nominal, status__in=OPEN_TRANSFER_STATUSES, to_area__in=ra_areas(user))
        .exists()
    ):
        return "Receiving area of a transfer"
    return None


def access_nominal(user: AnyUser, pk: int, *, reason: str = "") -> Nominal:
    """The nominal, after recording the consultation and its justification.

    `reason` is what a user without a legitimate relationship typed before the page opened
    ("break glass"); without one, ReasonRequired is raised and nothing is shown or recorded.
    """
    nominal = nominal_list(fetched_by=user).filter(pk=pk).first()
    if nominal is None:
        raise Http404("No such nominal")
    basis = legitimate_basis(user, nominal)
    detail = {}
    if basis is None:
        reason = reason.strip()
        if len(reason) < REASON_MIN_LENGTH:
            raise ReasonRequired(nominal)
        basis = f"Reason given: {reason}"
        detail = {"basis": BREAK_GLASS}
    with transaction.atomic():
        record_event(
            action=Action.CONSULTATION,
            actor=user,
            summary="Nominal consulted" if not detail else "Nominal consulted on a reason given",
            object_type="nominal",
            object_id=nominal.pk,
            object_agency_id=nominal.lead_agency_id,
            nominal_id=nominal.pk,
            justification=basis,
            detail=detail,
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


def can_apply_meeting_decision(by: AnyUser, nominal: Nominal) -> bool:
    """Whoever may manage the nominal, or a meeting chair of a Responsible Authority agency of its
    area: a level 2 or 3 meeting decides the level and the review date, and its chair approves
    the minutes that record the decision (MAPPA Guidance ch. 7 and 13)."""
    if can_manage(by, nominal):
        return True
    return has_permission(by, Permission.MINUTES_APPROVE) and ra_areas(by).filter(pk=nominal.area_id).exists()


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
