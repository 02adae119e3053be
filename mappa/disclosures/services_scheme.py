"""A disclosure record for a decision to disclose made on a scheme application (ADR 0017).

Under the Child Sex Offender and Domestic Violence Disclosure Schemes the decision is made on the
application (disclosure_schemes.services_outcome.decision_record: the forum, the rationale, the
presumption, the person best placed to receive it). Delivering it is the same work as delivering
any MAPPA disclosure (preparation, in person, the signed undertaking, the offender told or not, the
s.62 disclosure event), so it goes through this record, opened already decided: the scheme
application is the decision's record and this one carries it from there.

Its subject is the person the checks linked, who is a nominal only if MAPPA manages them; the
receiving force is the proposing agency, whose disclosure scheme officers run it (access.py).
This module knows nothing of applications: the scheme's service passes in what was decided.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction

from mappa.agencies.models import Agency
from mappa.audit.models import Action
from mappa.core.exceptions import ApplicationError
from mappa.disclosures.models import (
    Disclosure,
    DisclosureGateway,
    DisclosureRecipient,
    DisclosureStatus,
    Forum,
    Outcome,
    RecipientKind,
    Scheme,
)
from mappa.disclosures.services import audit, save, step, text
from mappa.meetings.models import Minutes
from mappa.nominals.models import Nominal
from mappa.people.models import Person

if TYPE_CHECKING:
    from mappa.accounts.models import User

STEP_SCHEME_DECIDED = "scheme_decided"
STEP_LABELS = {STEP_SCHEME_DECIDED: "Decided on the scheme application"}


@dataclass(frozen=True)
class SchemeDecision:
    """What the scheme application decided, as the application recorded it."""

    scheme: str  # Scheme.CSODS or Scheme.DVDS
    reference: str  # the application's, for the record's purpose and history
    receiving_agency: Agency
    subject: Person
    nominal: Nominal | None
    rationale: str
    decided_by: "User"
    decided_at: datetime
    minutes: Minutes | None  # decided at a level 2 or 3 MAPPA meeting


@dataclass(frozen=True)
class SchemeRecipient:
    kind: str
    name: str
    relationship: str
    identity_confirmed_how: str
    why_right_person: str


@transaction.atomic
def scheme_disclosure_open(
    *,
    decision: SchemeDecision,
    recipient: SchemeRecipient,
    information_summary: str,
    offender_risk: str,
    by: "User",
) -> Disclosure:
    """Open the disclosure record for a scheme decision to disclose, with its recipient. The caller
    checks who may do this (the scheme officers of the receiving force) and that the application
    decided to disclose; this checks what the record itself needs."""
    if decision.scheme not in (Scheme.CSODS, Scheme.DVDS):
        raise ValueError(f"Not a disclosure scheme: {decision.scheme!r}")
    if recipient.kind not in RecipientKind.values:
        raise ApplicationError("Choose who the recipient is", field="recipient_kind")
    summary = text(
        information_summary,
        field="information_summary",
        missing="Enter what the recipient will be told, in the words to be used",
    )
    risk = text(
        offender_risk,
        field="offender_risk",
        missing="Enter the risk to the subject of disclosing, and why the risk to others outweighs it",
    )
    name = text(recipient.name, field="recipient_name", missing="Enter the recipient's name", max_length=200)
    relationship = text(
        recipient.relationship,
        field="recipient_relationship",
        missing="Enter the recipient's relationship to those the disclosure protects",
        max_length=300,
    )
    identity = text(
        recipient.identity_confirmed_how,
        field="identity_confirmed_how",
        missing="Enter how the recipient's identity was confirmed",
    )
    why = text(
        recipient.why_right_person,
        field="why_right_person",
        missing="Enter why the recipient is the person best placed to protect",
    )
    disclosure = Disclosure(
        subject=decision.subject,
        nominal=decision.nominal,
        scheme=decision.scheme,
        status=DisclosureStatus.DECIDED,
        outcome=Outcome.DISCLOSE,
        proposing_agency=decision.receiving_agency,
        proposed_by=by,
        purpose=f"To deliver the decision to disclose on application {decision.reference}.",
        information_summary=summary,
        offender_risk=risk,
        offender_risk_outweighed=True,
        gateway=DisclosureGateway.COMMON_LAW_POLICE,
        gateway_detail=str(Scheme(decision.scheme).label),
        forum=Forum.MEETING if decision.minutes is not None else "",
        decision_minutes=decision.minutes,
        decision_rationale=decision.rationale,
        decided_by=decision.decided_by,
        decided_at=decision.decided_at,
    )
    save(disclosure)
    save(
        DisclosureRecipient(
            disclosure=disclosure,
            kind=recipient.kind,
            name=name,
            relationship=relationship,
            identity_confirmed_how=identity,
            why_right_person=why,
        )
    )
    step(disclosure, STEP_SCHEME_DECIDED, by=by, note=f"Application {decision.reference}")
    audit(
        disclosure,
        by=by,
        action=Action.COLLECTION,
        summary=f"Disclosure {disclosure.reference} opened for application {decision.reference}",
        detail={"scheme": decision.scheme, "application": decision.reference},
    )
    return disclosure
