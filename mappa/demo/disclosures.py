"""Synthetic third-party disclosures for the Durham demo (issue 6), one in each state the pages show.

Written through the disclosures services, acting as the demo users, so every rule is checked and
every audit event written as in real use. Durham Constabulary's practitioner proposes and makes
the disclosures, its meeting chair decides them; the level 2 meeting held two weeks ago
(meetings.py) is the forum for the decisions made at a meeting.

- Delivered, awaiting review: the meeting's first case, its decision "Police to disclose his
  convictions to his partner" made into a disclosure to the partner, told in person with the
  offender informed beforehand; undertaking signed.
- Reviewed: the meeting's second case, a decision not to disclose to his employer.
- Returned: the same case, a disclosure to a supported accommodation manager who refused to sign
  the undertaking, back with the chair.
- Prepared, delivery overdue and awaiting ratification: an emergency decision, with children's
  services consulted, to disclose to a new partner with young children, the offender not told.
- Proposed, waiting for the Probation Service's agreement to disclose its information.
- Withdrawn: a proposal overtaken by events.

The services refuse planned delivery dates in the past, so the overdue delivery's date is moved
back by a plain queryset update: the only write outside a service, and only of a date. One audit
event, by `system:demo`, marks the load: a database that has it is left alone.
"""

from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from mappa.accounts.models import User
from mappa.agencies.models import Agency, MappaArea
from mappa.audit.models import Action as AuditAction
from mappa.audit.models import AuditEvent
from mappa.audit.services import record_event
from mappa.demo.meetings import CHILDREN, POLICE, _Actors
from mappa.disclosures import services_decision as decision
from mappa.disclosures import services_delivery as delivery
from mappa.disclosures.models import (
    DeliveryMethod,
    Disclosure,
    DisclosureGateway,
    Forum,
    JointDisclosure,
    NotInformedReason,
    OffenderInvolvement,
    Outcome,
    RecipientKind,
)
from mappa.information_sharing.models import InformationItem, ItemKind
from mappa.information_sharing.selectors import item_list
from mappa.information_sharing.services import ItemContent, item_create
from mappa.meetings.models import Meeting, MeetingStatus, Minutes, MinutesStatus
from mappa.nominals.models import Nominal
from mappa.nominals.selectors import acting_agency
from mappa.risk_management.models import PersonAtRiskKind

MARKER = "demo_disclosures"


def load(
    *, area: MappaArea, agencies: dict[str, Agency], username: Callable[[str, str], str], prefix: str
) -> bool:
    """Add the demo's disclosures if they have not been added. Returns whether they were."""
    if AuditEvent.objects.filter(actor_username="system:demo", object_type=MARKER).exists():
        return False
    held = Meeting.objects.filter(area=area, status=MeetingStatus.HELD).order_by("-starts_at").first()
    if held is None:
        return False
    actor = _Actors(username)
    police = actor(POLICE, "practitioner")
    chair = actor(POLICE, "meeting_chair")
    items = list(held.agenda_items.select_related("nominal__lead_agency").order_by("position"))
    minutes = {item.nominal_id: item.minutes.filter(status=MinutesStatus.APPROVED).get() for item in items}
    first, second = items[0].nominal, items[1].nominal

    _delivered(police, chair, agencies, first, minutes[first.pk])
    _not_disclosed(police, chair, second, minutes[second.pk])
    _returned(police, chair, second, minutes[second.pk])
    others = list(
        Nominal.objects.filter(area=area, level=2, person__source_ref__startswith=prefix)
        .exclude(pk__in=[first.pk, second.pk])
        .exclude(status="in_custody")
        .order_by("pk")
    )
    _emergency(police, chair, agencies, others[0])
    shared = next((n for n in others if _readable_other_agency_item(police, n) is not None), others[1])
    _awaiting_agreement(police, shared)
    withdrawn = decision.disclosure_propose(
        nominal=others[-1],
        purpose="To warn the manager of the gym he has joined, where children's classes are held.",
        by=police,
    )
    decision.disclosure_withdraw(
        disclosure=withdrawn,
        version=withdrawn.version,
        reason="He has left the gym and moved out of the area's catchment; no longer needed.",
        by=police,
    )

    record_event(
        action=AuditAction.COLLECTION,
        actor_username="system:demo",
        summary="Demo disclosures loaded",
        object_type=MARKER,
        object_id=area.pk,
        detail={"disclosures": Disclosure.objects.filter(nominal__area=area).count()},
    )
    return True


def _fresh(disclosure: Disclosure) -> Disclosure:
    return Disclosure.objects.get(pk=disclosure.pk)


def _own_item(by: User, nominal: Nominal) -> InformationItem:
    """The practitioner's agency's offending history item for the case, recorded if missing."""
    found = item_list(fetched_by=by).filter(
        nominal=nominal, owner_agency=acting_agency(by), kind=ItemKind.OFFENDING_HISTORY
    )
    return found.first() or item_create(
        nominal=nominal,
        content=ItemContent(
            kind=ItemKind.OFFENDING_HISTORY,
            summary="Convicted of sexual assault of a child under 13",
            attributes={
                "offence": "Sexual assault of a child under 13 (Sexual Offences Act 2003 s.7)",
                "court": "Durham Crown Court",
                "outcome": "Three years' imprisonment; registered for ten years",
                "victim_profile": "Female child aged 8 to 11, daughter of a partner",
            },
        ),
        by=by,
    )


def _readable_other_agency_item(by: User, nominal: Nominal) -> InformationItem | None:
    return item_list(fetched_by=by).filter(nominal=nominal).exclude(owner_agency=acting_agency(by)).first()


def _prepare_decision(
    disclosure: Disclosure,
    by: User,
    *,
    recipient: tuple[str, str, str],
    why_rejected: str,
    item: InformationItem | None,
    summary: str,
    youth: Agency | None = None,
) -> Disclosure:
    """Everything the decision needs, recorded by the proposer (decision_blockers)."""
    kind, name, relationship = recipient
    decision.disclosure_update(
        disclosure=disclosure,
        version=_fresh(disclosure).version,
        purpose=disclosure.purpose,
        risk_addressed=disclosure.risk_addressed,
        information_summary=summary,
        by=by,
    )
    decision.recipient_add(
        disclosure=disclosure,
        version=_fresh(disclosure).version,
        kind=kind,
        name=name,
        relationship=relationship,
        identity_confirmed_how="Seen in person at her home with photographic identification.",
        why_right_person="She is the person able to act on the information to protect those at risk.",
        by=by,
    )
    decision.alternative_add(
        disclosure=disclosure,
        version=_fresh(disclosure).version,
        alternative="Give him the chance to tell her himself, under a licence condition.",
        why_rejected=why_rejected,
        by=by,
    )
    if item is not None:
        decision.item_add(
            disclosure=disclosure,
            version=_fresh(disclosure).version,
            item=item,
            fields=["summary", "offence", "outcome"],
            by=by,
        )
    decision.offender_risk_record(
        disclosure=disclosure,
        version=_fresh(disclosure).version,
        offender_risk="Some risk of reprisal from her family; he has no history of self-harm.",
        outweighed=True,
        by=by,
    )
    decision.tests_record(
        disclosure=disclosure,
        version=_fresh(disclosure).version,
        gateway=DisclosureGateway.COMMON_LAW_POLICE,
        gateway_detail="",
        necessary="There is a pressing need: he has unsupervised access to children through her.",
        proportionate="Telling her only his relevant convictions is less intrusive than any other way.",
        relevant="Only the offence, its victim profile and his sentence, which bear on the children.",
        joint_disclosure=JointDisclosure.JOINT,
        joint_disclosure_reason="Police and the offender manager together, so she can ask both.",
        by=by,
    )
    if youth is not None:
        decision.youth_consultation_record(
            disclosure=disclosure,
            version=_fresh(disclosure).version,
            name="Synthetic Service Manager",
            role="Service manager, children's social care",
            agency=youth,
            consulted_on=timezone.localdate(),
            view="Supports disclosure; a social worker will visit the children the same week.",
            by=by,
        )
    return _fresh(disclosure)


def _partner_at_risk(nominal: Nominal) -> tuple[object | None, str]:
    partner = nominal.persons_at_risk.filter(kind=PersonAtRiskKind.PARTNER, ended_on__isnull=True).first()
    name = (
        partner.person.display_name
        if partner is not None and partner.person is not None
        else "Synthetic Partner"
    )
    return partner, name


def _delivered(
    police: User, chair: User, agencies: dict[str, Agency], nominal: Nominal, minutes: Minutes
) -> None:
    partner, name = _partner_at_risk(nominal)
    disclosure = decision.disclosure_propose(
        nominal=nominal,
        purpose="To tell his new partner of his convictions so that she can protect her children.",
        risk_addressed="Sexual harm to her two children, aged 6 and 9.",
        person_at_risk=partner,  # type: ignore[arg-type]
        by=police,
    )
    disclosure = _prepare_decision(
        disclosure,
        police,
        recipient=(RecipientKind.NEW_PARTNER, name, "New partner; mother of two children"),
        why_rejected="He has not told her in four months despite being asked to; time has run out.",
        item=_own_item(police, nominal),
        summary="He has a conviction for sexually assaulting a child under 13, the daughter of a partner.",
        youth=agencies[CHILDREN],
    )
    disclosure = decision.disclosure_decide(
        disclosure=disclosure,
        version=disclosure.version,
        outcome=Outcome.DISCLOSE,
        forum=Forum.MEETING,
        minutes=minutes,
        rationale="The meeting agreed she has a right to know to protect her children (see the minutes).",
        by=chair,
    )
    disclosure = _ready_to_deliver(disclosure, police, OffenderInvolvement.INFORMED_BEFORE)
    delivery.disclosure_deliver(
        disclosure=disclosure,
        version=disclosure.version,
        delivered_at=timezone.now(),
        method=DeliveryMethod.IN_PERSON,
        delivered_with="His offender manager, The Probation Service North East",
        note="She listened calmly and asked how to contact the police out of hours.",
        undertakings={recipient.pk: "signed" for recipient in disclosure.recipients.all()},
        by=police,
    )


def _ready_to_deliver(disclosure: Disclosure, by: User, involvement: str) -> Disclosure:
    delivery.preparation_record(
        disclosure=disclosure,
        version=_fresh(disclosure).version,
        recipient_already_knows="That he has a criminal record; not what for.",
        confidentiality_understood=True,
        how_to_use="Only to keep her children safe; not passed on without the police's agreement.",
        what_to_report="Any unsupervised contact with the children, or his staying overnight.",
        contact_and_support="The public protection unit's duty officer; the local women's support service.",
        breakdown_support="Police and children's services meet within a day if the relationship ends badly.",
        by=by,
    )
    delivery.trigger_add(
        disclosure=disclosure,
        version=_fresh(disclosure).version,
        if_you_see="him alone with either child, or giving them gifts or secrets",
        you_need_to="call the public protection unit at once (999 in an emergency)",
        by=by,
    )
    reason = NotInformedReason.INCREASE_RISK if involvement == OffenderInvolvement.NOT_INFORMED else ""
    delivery.offender_involvement_record(
        disclosure=disclosure,
        version=_fresh(disclosure).version,
        involvement=involvement,
        not_informed_reason=reason,
        not_informed_detail="He has threatened her before when he felt exposed." if reason else "",
        by=by,
    )
    delivery.delivery_plan(
        disclosure=disclosure,
        version=_fresh(disclosure).version,
        deliverer=by,
        planned_delivery_date=timezone.localdate(),
        by=by,
    )
    return delivery.disclosure_mark_prepared(disclosure=disclosure, version=_fresh(disclosure).version, by=by)


def _not_disclosed(police: User, chair: User, nominal: Nominal, minutes: Minutes) -> None:
    disclosure = decision.disclosure_propose(
        nominal=nominal,
        purpose="Whether to tell his employer, a warehouse with no contact with children.",
        risk_addressed="Risk to colleagues' children visiting the site.",
        by=police,
    )
    disclosure = _prepare_decision(
        disclosure,
        police,
        recipient=(RecipientKind.EMPLOYER, "Synthetic Warehouse Manager", "Site manager, his employer"),
        why_rejected="Children never visit the site; the visiting policy already forbids it.",
        item=None,
        summary="",
    )
    disclosure = decision.disclosure_decide(
        disclosure=disclosure,
        version=disclosure.version,
        outcome=Outcome.DO_NOT_DISCLOSE,
        forum=Forum.MEETING,
        minutes=minutes,
        rationale="Not necessary: the site's own policy and his licence already manage the risk.",
        by=chair,
    )
    delivery.disclosure_review(
        disclosure=disclosure,
        version=disclosure.version,
        note="Reviewed at the meeting: no change in his work; the decision not to disclose stands.",
        by=police,
    )


def _returned(police: User, chair: User, nominal: Nominal, minutes: Minutes) -> None:
    disclosure = decision.disclosure_propose(
        nominal=nominal,
        purpose="To tell the manager of his supported accommodation so staff can supervise visits.",
        risk_addressed="Residents' visiting children.",
        by=police,
    )
    disclosure = _prepare_decision(
        disclosure,
        police,
        recipient=(
            RecipientKind.ACCOMMODATION_STAFF,
            "Synthetic Hostel Manager",
            "Manager of his supported housing",
        ),
        why_rejected="A house rule on visits alone would not tell staff whom to watch.",
        item=_own_item(police, nominal),
        summary="He is a registered sex offender whose victims were children.",
    )
    disclosure = decision.disclosure_decide(
        disclosure=disclosure,
        version=disclosure.version,
        outcome=Outcome.DISCLOSE,
        forum=Forum.MEETING,
        minutes=minutes,
        rationale="Staff supervise family visits and must know whom to watch to protect children.",
        by=chair,
    )
    disclosure = _ready_to_deliver(disclosure, police, OffenderInvolvement.INFORMED_BEFORE)
    delivery.disclosure_deliver(
        disclosure=disclosure,
        version=disclosure.version,
        delivered_at=timezone.now(),
        method=DeliveryMethod.IN_PERSON,
        note="The manager would not sign: their policy is to share everything with the board.",
        undertakings={recipient.pk: "refused" for recipient in disclosure.recipients.all()},
        by=police,
    )


def _emergency(police: User, chair: User, agencies: dict[str, Agency], nominal: Nominal) -> None:
    disclosure = decision.disclosure_propose(
        nominal=nominal,
        purpose="He moved in with a woman with two young children last night: she must know tonight.",
        risk_addressed="Sexual harm to a girl aged 5 and a boy aged 7 in the household.",
        by=police,
    )
    disclosure = _prepare_decision(
        disclosure,
        police,
        recipient=(RecipientKind.NEW_PARTNER, "Synthetic New Partner", "New partner; mother of two children"),
        why_rejected="Waiting for Monday's meeting leaves the children with him for three nights.",
        item=_own_item(police, nominal),
        summary="He has convictions for sexual offences against children.",
        youth=agencies[CHILDREN],
    )
    decision.consultation_add(
        disclosure=disclosure,
        version=_fresh(disclosure).version,
        agency=agencies[CHILDREN],
        person_name="Synthetic Duty Social Worker",
        person_role="Emergency duty team",
        consulted_at=timezone.now() - timedelta(hours=2),
        view="Agrees the children are at risk tonight; will visit tomorrow.",
        by=police,
    )
    disclosure = _fresh(disclosure)
    disclosure = decision.disclosure_decide(
        disclosure=disclosure,
        version=disclosure.version,
        outcome=Outcome.DISCLOSE,
        forum=Forum.EMERGENCY,
        rationale="The children are at risk tonight; the next level 2 meeting is in ten days.",
        emergency_reason="He moved in last night; the next meeting is not for ten days.",
        by=chair,
    )
    disclosure = _ready_to_deliver(disclosure, police, OffenderInvolvement.NOT_INFORMED)
    for recipient in disclosure.recipients.all():
        delivery.recipient_told_offender_unaware(
            recipient=recipient, version=_fresh(disclosure).version, by=police
        )
    # Planned for two days ago and not yet made: the dashboard flags it (module docstring).
    Disclosure.objects.filter(pk=disclosure.pk).update(
        planned_delivery_date=timezone.localdate() - timedelta(days=2)
    )


def _awaiting_agreement(police: User, nominal: Nominal) -> None:
    disclosure = decision.disclosure_propose(
        nominal=nominal,
        purpose="To tell the head teacher of the school next to his new address.",
        risk_addressed="Pupils walking past his address.",
        by=police,
    )
    decision.recipient_add(
        disclosure=disclosure,
        version=_fresh(disclosure).version,
        kind=RecipientKind.SCHOOL_STAFF,
        name="Synthetic Head Teacher",
        relationship="Head teacher of the primary school",
        organisation="A primary school in County Durham (invented)",
        identity_confirmed_how="",
        why_right_person="Responsible for safeguarding at the school.",
        by=police,
    )
    other = _readable_other_agency_item(police, nominal)
    if other is not None:
        decision.item_add(
            disclosure=disclosure,
            version=_fresh(disclosure).version,
            item=other,
            fields=["summary"],
            by=police,
        )
