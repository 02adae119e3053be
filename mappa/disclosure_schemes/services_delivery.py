"""Delivering a scheme decision to disclose, and the support offered with it (issue 7;
disclosure_dp.md §5.2 rules 20, 23, 26; ADR 0017).

The decision is made on the application (services_outcome.decision_record). Delivering it is the
same work as delivering any MAPPA disclosure (preparation with the recipient, in person, the
signed confidentiality undertaking, the offender told or not, the s.62 disclosure log entry), so
`disclosure_start` opens a disclosure record already decided, carrying the application's
decision and the recipient the officer confirms, and links it to the application. From there the
disclosure's own pages prepare, deliver and review it, run by the receiving force's scheme
officers (disclosures.access.runs_scheme_disclosure).

Once the disclosure is delivered, `disclosure_support_record` records the support offered to
the applicant and the recipient (rule 26), as the non-disclosure and referral outcomes do; with
both, the application's last stage can be completed and the application closed
(services_applications.record_missing("outcome_recorded")).

Each write locks the application, refuses a stale version, bumps it and records one audit event
on the application in the same transaction; the disclosure record writes its own.
"""

from typing import TYPE_CHECKING

from django.db import transaction

from mappa.audit.models import Action
from mappa.audit.services import record_event
from mappa.core.exceptions import ApplicationError
from mappa.disclosure_schemes.models import Application, SchemeOutcome
from mappa.disclosure_schemes.services_outcome import _locked, _require_manager, _save, _text
from mappa.disclosures.models import DisclosureStatus, RecipientKind
from mappa.disclosures.services_scheme import SchemeDecision, SchemeRecipient, scheme_disclosure_open

if TYPE_CHECKING:
    from mappa.accounts.models import User

NOT_DISCLOSE_MESSAGE = "Record a decision to disclose before starting the disclosure"
NO_SUBJECT_MESSAGE = "The checks linked no record of the subject, so there is nothing to disclose about them"
NOT_DELIVERED_MESSAGE = "Record the disclosure as delivered before recording the support offered"
SUPPORT_MISSING = "Enter the support offered to the applicant and the person told"

# Who usually receives each scheme's disclosure: for Sarah's Law the parent, guardian or carer
# best placed to protect the child; for Clare's Law the partner at risk (disclosure_dp.md §1, §2).
DEFAULT_RECIPIENT_KIND = {"csods": RecipientKind.PARENT_GUARDIAN, "dvds": RecipientKind.NEW_PARTNER}
DELIVERED = frozenset({DisclosureStatus.DELIVERED, DisclosureStatus.REVIEWED})


def _event(application: Application, by: "User", summary: str, changed: list[str], **detail: object) -> None:
    record_event(
        action=Action.COLLECTION,
        actor=by,
        summary=f"{summary}: {application.reference}",
        object_type="scheme_application",
        object_id=application.pk,
        object_agency_id=application.receiving_agency_id,
        nominal_id=application.subject_nominal_id,
        changed_fields=changed,
        detail={"version": application.version, **detail},
    )


def start_blocker(application: Application) -> str | None:
    """Why the disclosure cannot be started on this application now, or None if it can."""
    if application.outcome != SchemeOutcome.DISCLOSE:
        return NOT_DISCLOSE_MESSAGE
    if application.subject_person_id is None:
        return NO_SUBJECT_MESSAGE
    if application.disclosure_id is not None:
        return "The disclosure has already been started: continue it from its record"
    return None


@transaction.atomic
def disclosure_start(
    *,
    application: Application,
    version: int,
    information_summary: str,
    offender_risk: str,
    recipient_kind: str,
    recipient_name: str,
    recipient_relationship: str,
    identity_confirmed_how: str,
    why_right_person: str,
    by: "User",
) -> Application:
    """Open the disclosure record for the application's decision to disclose, with its recipient,
    and link it to the application."""
    _require_manager(by, application)
    stored = _locked(application, version)
    blocker = start_blocker(stored)
    if blocker is not None:
        raise ApplicationError(blocker)
    subject, decided_by, decided_at = stored.subject_person, stored.decided_by, stored.decided_at
    # The constraints guarantee a decider and a time once an outcome is recorded.
    if subject is None or decided_by is None or decided_at is None:
        raise ApplicationError(NOT_DISCLOSE_MESSAGE)
    decision = SchemeDecision(
        scheme=stored.scheme,
        reference=stored.reference,
        receiving_agency=stored.receiving_agency,
        subject=subject,
        nominal=stored.subject_nominal,
        rationale=stored.decision_rationale,
        decided_by=decided_by,
        decided_at=decided_at,
        minutes=stored.decision_minutes,
    )
    recipient = SchemeRecipient(
        kind=recipient_kind,
        name=recipient_name,
        relationship=recipient_relationship,
        identity_confirmed_how=identity_confirmed_how,
        why_right_person=why_right_person,
    )
    disclosure = scheme_disclosure_open(
        decision=decision,
        recipient=recipient,
        information_summary=information_summary,
        offender_risk=offender_risk,
        by=by,
    )
    stored.disclosure = disclosure
    _save(stored, ["disclosure"])
    _event(stored, by, "Disclosure scheme disclosure started", ["disclosure"], disclosure_id=disclosure.pk)
    return stored


def support_blocker(application: Application) -> str | None:
    """Why the support offered cannot be recorded yet, or None if it can."""
    if application.outcome != SchemeOutcome.DISCLOSE:
        return "Record a decision to disclose before recording the support offered with it"
    disclosure = application.disclosure
    if disclosure is None or disclosure.status not in DELIVERED:
        return NOT_DELIVERED_MESSAGE
    return None


@transaction.atomic
def disclosure_support_record(
    *, application: Application, version: int, support_referral: str, by: "User"
) -> Application:
    """Record the support offered with a delivered disclosure (rule 26: support is offered at
    disclosure as at non-disclosure)."""
    _require_manager(by, application)
    stored = _locked(application, version)
    blocker = support_blocker(stored)
    if blocker is not None:
        raise ApplicationError(blocker)
    support = _text(support_referral, field="support_referral", missing=SUPPORT_MISSING)
    if stored.support_referral == support:
        return stored
    stored.support_referral = support
    _save(stored, ["support_referral"])
    _event(stored, by, "Disclosure scheme support after disclosure recorded", ["support_referral"])
    return stored
