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
from mappa.disclosures.models import (
    Disclosure,
    DisclosureAlternative,
    DisclosureConsultation,
    DisclosureItem,
    DisclosureRecipient,
    DisclosureStatus,
    RatificationStatus,
    Scheme,
)
from mappa.disclosures.selectors import (
    alternative_list,
    consultation_list,
    disclosure_item_list,
    disclosure_list,
    recipient_list,
    scheme_disclosures,
)
from mappa.nominals.access import REASON_MIN_LENGTH, ReasonRequired, legitimate_basis
from mappa.nominals.opening import remembered_reason
from mappa.nominals.selectors import acting_agency, ra_areas


def disclosure_basis(user: AnyUser, disclosure: Disclosure) -> str | None:
    membership = acting_membership(user)
    if membership is None:
        return None
    if membership.agency_id == disclosure.proposing_agency_id:
        return f"Proposing agency of {disclosure.reference}"
    if disclosure.nominal is None:
        return None
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
        if disclosure.nominal is None:
            # Only the receiving force sees a scheme disclosure about someone who is not a
            # nominal, and it always has a basis: there is no case to break the glass on.
            raise Http404("No such disclosure")
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
    if disclosure.nominal_id is None:
        return access_disclosure(request.user, pk)
    return access_disclosure(request.user, pk, reason=remembered_reason(request, disclosure.nominal_id))


def _acting_agency_id(user: AnyUser) -> int | None:
    membership = acting_membership(user)
    return membership.agency_id if membership is not None else None


def runs_scheme_disclosure(user: AnyUser, disclosure: Disclosure) -> bool:
    """A disclosure scheme officer of the receiving force, for one of its scheme disclosures: they
    prepare, deliver, review and reconsider it, as they ran the application it delivers."""
    return (
        disclosure.scheme != Scheme.MAPPA
        and has_permission(user, Permission.SCHEME_APPLICATION_MANAGE)
        and _acting_agency_id(user) == disclosure.proposing_agency_id
    )


def runs_scheme_disclosure_pk(user: AnyUser, pk: int) -> bool:
    """runs_scheme_disclosure before the record is opened, for the pages that refuse anyone without
    a MAPPA disclosure permission before opening anything (so a refusal records no consultation).
    A scheme officer is let through only to their own force's scheme disclosures: for any other
    record, hidden or missing alike, they get that same refusal, so it says nothing of either."""
    if not has_permission(user, Permission.SCHEME_APPLICATION_MANAGE):
        return False
    agency = acting_agency(user)
    return agency is not None and scheme_disclosures(agency).filter(pk=pk).exists()


def can_record(user: AnyUser, disclosure: Disclosure) -> bool:
    """Fill in the proposal, prepare and deliver: DISCLOSURE_RECORD, acting for the proposing
    agency, the lead agency, or a Responsible Authority agency of the area (police and probation
    make disclosures jointly, whoever proposed them); or the scheme officers who run it."""
    if runs_scheme_disclosure(user, disclosure):
        return True
    if disclosure.nominal is None or not has_permission(user, Permission.DISCLOSURE_RECORD):
        return False
    agency_id = _acting_agency_id(user)
    if agency_id in (disclosure.proposing_agency_id, disclosure.nominal.lead_agency_id):
        return True
    return ra_areas(user).filter(pk=disclosure.nominal.area_id).exists()


def can_decide(user: AnyUser, disclosure: Disclosure) -> bool:
    """Decide (and reconsider after a refused undertaking): a meeting chair of a Responsible
    Authority agency of the nominal's area. At a meeting it must be that meeting's chair, which
    the decision service checks against the minutes named. A scheme disclosure was decided on
    its application; reconsidering it after a refused undertaking is for the scheme officers."""
    if runs_scheme_disclosure(user, disclosure):
        return True
    return (
        disclosure.nominal is not None
        and has_permission(user, Permission.DISCLOSURE_DECIDE)
        and ra_areas(user).filter(pk=disclosure.nominal.area_id).exists()
    )


# --- the parts of a record (decision phase) ------------------------------------------------------
#
# A recipient, an alternative, an item chosen or an agency consulted is reached through the
# record it belongs to (selectors.*_list scope them by disclosure_list): the same 404 for a part
# that does not exist and one of a record the user may not see. The page then opens the record
# itself (open_disclosure), which records the consultation; these only find the part.


def access_recipient(user: AnyUser, pk: int) -> DisclosureRecipient:
    recipient = recipient_list(fetched_by=user).filter(pk=pk).first()
    if recipient is None:
        raise Http404("No such recipient")
    return recipient


def access_alternative(user: AnyUser, pk: int) -> DisclosureAlternative:
    alternative = alternative_list(fetched_by=user).filter(pk=pk).first()
    if alternative is None:
        raise Http404("No such alternative")
    return alternative


def access_disclosure_item(user: AnyUser, pk: int) -> DisclosureItem:
    disclosure_item = disclosure_item_list(fetched_by=user).filter(pk=pk).first()
    if disclosure_item is None:
        raise Http404("No such item")
    return disclosure_item


def access_consultation(user: AnyUser, pk: int) -> DisclosureConsultation:
    consultation = consultation_list(fetched_by=user).filter(pk=pk).first()
    if consultation is None:
        raise Http404("No such consultation")
    return consultation


def can_agree_item(user: AnyUser, disclosure_item: DisclosureItem) -> bool:
    """Agree (or refuse) to an item being disclosed: only its owner may (MAPPA owns nothing,
    DESIGN.md §5), by someone who may share the owner's information (SHARE_CREATE) acting for
    it. The proposing agency's own items need no separate agreement: proposing is agreeing."""
    if not has_permission(user, Permission.SHARE_CREATE):
        return False
    agency_id = _acting_agency_id(user)
    if agency_id is None:
        return False
    if agency_id != disclosure_item.item.owner_agency_id:
        return False
    return agency_id != disclosure_item.disclosure.proposing_agency_id


def can_ratify(user: AnyUser, disclosure: Disclosure) -> bool:
    """An emergency decision still awaiting ratification, and someone who may decide: the chair
    of the later meeting, which the service checks against the minutes named."""
    return disclosure.ratification == RatificationStatus.PENDING and can_decide(user, disclosure)


def is_open_proposal(disclosure: Disclosure) -> bool:
    """Only a proposal is filled in: once decided (or withdrawn) its grounds are the record."""
    return disclosure.status == DisclosureStatus.PROPOSED
