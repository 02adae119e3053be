"""Single risk assessments and persons at risk: the same 404 for missing and not allowed.

Both are scoped through the selectors (RISK_VIEW, and a nominal the user can see), so trying ids
reveals nothing about another area's cases. Neither records a consultation itself: every page
showing one opens its nominal next (nominals.opening.open_nominal), which records the
consultation with the user's basis, or asks for a reason, before anything is shown.

`is_assessor` is the part of access.can_correct_assessment that is about who, not about the case:
acting for the assessing agency with RISK_RECORD. A page uses it to tell the assessing agency
that an exited case can no longer be corrected, rather than refusing them as a stranger.
"""

from django.http import Http404

from mappa.authorization.permissions import Permission
from mappa.authorization.utils import acting_membership, has_permission
from mappa.core.types import AnyUser
from mappa.risk_management.models import PersonAtRisk, RiskAssessment
from mappa.risk_management.selectors import assessment_scope, person_at_risk_scope


def access_assessment(user: AnyUser, pk: int) -> RiskAssessment:
    assessment = assessment_scope(fetched_by=user).filter(pk=pk).first()
    if assessment is None:
        raise Http404("No such risk assessment")
    return assessment


def access_person_at_risk(user: AnyUser, pk: int) -> PersonAtRisk:
    person_at_risk = person_at_risk_scope(fetched_by=user).filter(pk=pk).first()
    if person_at_risk is None:
        raise Http404("No such person at risk")
    return person_at_risk


def is_assessor(user: AnyUser, assessment: RiskAssessment) -> bool:
    """RISK_RECORD, acting for the agency that made the assessment (whose it is to correct)."""
    if not has_permission(user, Permission.RISK_RECORD):
        return False
    membership = acting_membership(user)
    return membership is not None and membership.agency_id == assessment.assessing_agency_id
