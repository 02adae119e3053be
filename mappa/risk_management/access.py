"""Who may read and write a nominal's risk work: the object rules behind the permissions.

The risk management plan is a multi-agency document: "RMPs should be shared with all relevant
agencies following a review" (MAPPA Guidance §12.2), so anyone with RISK_VIEW who can open the
case (nominals.opening.open_nominal, which records the consultation and its basis) reads the
current plan, its versions and the persons at risk.

A risk assessment belongs to the agency that made it. Its RoSH levels inform every agency's
part in the plan, so everyone who can open the case sees the tool, date, agency and levels; the
risk and protective factors and scenarios are the assessing agency's working detail, which the
Responsible Authority (who jointly assess risk under CJA 2003 s.325) also sees, and a
duty-to-co-operate agency gets through an information share if it needs it.

The plan is the lead agency's (§12.5): only someone acting for it (or the area's co-ordinator,
who brings plans to meetings) writes a version.
"""

from mappa.authorization.permissions import Permission
from mappa.authorization.utils import acting_membership, has_permission
from mappa.core.types import AnyUser
from mappa.nominals.access import is_coordinator
from mappa.nominals.models import Nominal
from mappa.nominals.selectors import ra_areas
from mappa.risk_management.models import RiskAssessment


def _agency_id(user: AnyUser) -> int | None:
    membership = acting_membership(user)
    return membership.agency_id if membership is not None else None


def can_view_risk(user: AnyUser) -> bool:
    return has_permission(user, Permission.RISK_VIEW)


def sees_assessment_detail(user: AnyUser, assessment: RiskAssessment) -> bool:
    if not can_view_risk(user):
        return False
    if _agency_id(user) == assessment.assessing_agency_id:
        return True
    return ra_areas(user).filter(pk=assessment.nominal.area_id).exists()


def can_record_risk(user: AnyUser, nominal: Nominal) -> bool:
    """Record an assessment or a person at risk: RISK_RECORD on a live case."""
    return has_permission(user, Permission.RISK_RECORD) and not nominal.is_exited


def can_correct_assessment(user: AnyUser, assessment: RiskAssessment) -> bool:
    return can_record_risk(user, assessment.nominal) and _agency_id(user) == assessment.assessing_agency_id


def can_write_plan(user: AnyUser, nominal: Nominal) -> bool:
    if not has_permission(user, Permission.PLAN_WRITE) or nominal.is_exited:
        return False
    if _agency_id(user) == nominal.lead_agency_id:
        return True
    return is_coordinator(user) and ra_areas(user).filter(pk=nominal.area_id).exists()
