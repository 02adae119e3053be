"""Synthetic disclosure scheme applications for the Durham demo (issue 7), so that Durham
Constabulary's scheme officers' queue shows every stage and flag.

Applications from the public go through the public form's service (`application_submit`) with a
receipt time in the past, as if sent then; everything after is done through the police-side
services acting as `durham-police.disclosure-scheme-officer` (and one person record added to the
people index by `durham-police.practitioner`), so every rule is checked and every audit event
written as in real use. Applicants, children and subjects are invented by Faker
(en_GB, fixed seed), their streets invented in County Durham towns, their phone numbers in
Ofcom's drama range (07700 900000 to 07700 900999).

Child Sex Offender Disclosure Scheme (Sarah's Law):
- Just received, an hour ago: nothing done yet.
- Received three days ago and still at initial checks with no safeguarding plan: overdue, and
  the queue flags "Safeguarding plan needed".
- Flagged at triage as an immediate risk, with the action taken at once.
- At the face-to-face stage.
- At risk assessment: identity verified in person.
- At decision: checks recorded, no record of the subject found.
- At outcome: the subject found in the people index (a police record, not a MAPPA nominal), a
  decision not to disclose (the presumption does not apply) being communicated.
- Closed after the non-disclosure was communicated, with support offered.
- Not proceeding: a general enquiry about sex offenders living on an estate, with the reason and
  what the police will do instead.
- Closed after a referral to children's services.

Domestic Violence Disclosure Scheme (Clare's Law):
- A right to know application opened by the officer on information from an investigation.
- A third party's right to ask application (a mother about her daughter's partner) at the
  face-to-face stage.
- Closed after non-disclosure.

Decisions to disclose (a second load, with its own marker, so a database loaded before they
existed gets them too), each delivered through a disclosure record the officer starts from the
application (services_delivery) and prepares and delivers on its own pages (the disclosures
services, acting as the scheme officer):
- Sarah's Law, the subject a Durham Constabulary record and not a MAPPA nominal: the disclosure
  started (decided, not yet prepared) for the mother who applied.
- Clare's Law, the subject a police record and not a MAPPA nominal: delivered in person to the
  applicant, the undertaking signed, the support offered recorded and the application closed.
- Sarah's Law, the subject a level 2 MAPPA nominal: decided at the level 2 meeting held two
  weeks ago (meetings.py), against its minutes; the disclosure prepared, its delivery planned.

The services stamp each stage's completion with the time of the load, so an application received
days ago has its earlier stages completed today; one past its target when it moves on gets a
safeguarding plan first, as an officer would have to record. One audit event, by `system:demo`,
marks each load: a database that has it is left alone.
"""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from random import Random

from django.utils import timezone
from faker import Faker

from mappa.accounts.models import User
from mappa.agencies.models import Agency, MappaArea
from mappa.audit.models import Action as AuditAction
from mappa.audit.models import AuditEvent
from mappa.audit.services import record_event
from mappa.demo.meetings import POLICE, _Actors
from mappa.disclosure_schemes.models import ApplicantTold, Application, SchemeOutcome
from mappa.disclosure_schemes.services_applications import (
    application_advance,
    application_not_proceeding,
    identity_verify,
    needs_safeguarding_plan,
    right_to_know_open,
    safeguarding_plan_record,
    triage_record,
)
from mappa.disclosure_schemes.services_delivery import disclosure_start, disclosure_support_record
from mappa.disclosure_schemes.services_outcome import (
    checks_record,
    decision_record,
    non_disclosure_record,
    referral_record,
)
from mappa.disclosure_schemes.services_public import Child, SubmittedApplication, application_submit
from mappa.disclosures import services_delivery as delivery
from mappa.disclosures.models import (
    DeliveryMethod,
    Disclosure,
    OffenderInvolvement,
    RecipientKind,
    Undertaking,
)
from mappa.meetings.models import Meeting, MeetingStatus, Minutes, MinutesStatus
from mappa.people.dates import PartialDate
from mappa.people.models import Person
from mappa.people.services import AddressData, NameData, person_create

MARKER = "demo_schemes"
DISCLOSE_MARKER = "demo_schemes_disclose"
OFFICER_ROLE = "disclosure_scheme_officer"

# County Durham towns with their postcode districts, and streets invented for the demo.
TOWNS = [
    ("Chester-le-Street", "DH3"),
    ("Stanley", "DH9"),
    ("Consett", "DH8"),
    ("Seaham", "SR7"),
    ("Bishop Auckland", "DL14"),
    ("Spennymoor", "DL16"),
    ("Peterlee", "SR8"),
    ("Newton Aycliffe", "DL5"),
    ("Crook", "DL15"),
    ("Barnard Castle", "DL12"),
]
STREETS = [
    "Lapwing Terrace",
    "Old Winding Gear Road",
    "Heatherburn Close",
    "Pitman's Row",
    "Coalfield Crescent",
    "Wrenfold Avenue",
    "Larkspur Gardens",
    "Banner Walk",
    "Slagford Lane",
    "Millbeck Drive",
    "Quarryhill Way",
    "Gallowsike Court",
]

PLAN = (
    "Weekly call to the applicant at the safe times they gave, to say where the application is. "
    "Neighbourhood team asked to pass the address on patrol; the applicant told to call 999 at "
    "any sign of danger."
)


class _Public:
    """Members of the public applying through the form: invented, the same on every load."""

    def __init__(self, force: Agency, seed: int = 7007) -> None:
        self.force = force
        self.fake = Faker("en_GB")
        self.fake.seed_instance(seed)
        self.rng = Random(seed)  # noqa: S311 - synthetic demo data, not security
        # Numbers already given to applications loaded before stay unique too.
        self._phones: set[str] = set(
            Application.objects.exclude(applicant_phone="").values_list("applicant_phone", flat=True)
        )

    def phone(self) -> str:
        # Ofcom's drama range only: these numbers are never allocated to anyone.
        while True:
            number = f"07700 900{self.rng.randint(0, 999):03d}"
            if number not in self._phones:
                self._phones.add(number)
                return number

    def address(self) -> tuple[str, str]:
        town, district = self.rng.choice(TOWNS)
        street = self.rng.choice(STREETS)
        letters = "ABDEFGHJLNPQRSTUWXYZ"  # those a postcode's inward code uses
        inward = f"{self.rng.randint(1, 9)}{self.rng.choice(letters)}{self.rng.choice(letters)}"
        return f"{self.rng.randint(1, 98)} {street}\n{town}\nCounty Durham", f"{district} {inward}"

    def man(self) -> str:
        return f"{self.fake.first_name_male()} {self.fake.last_name()}"

    def woman(self) -> str:
        return f"{self.fake.first_name_female()} {self.fake.last_name()}"

    def adult_born(self) -> date:
        return self.fake.date_of_birth(minimum_age=23, maximum_age=55)

    def child(self, surname: str, age: int) -> Child:
        return Child(name=f"{self.fake.first_name()} {surname}", age=str(age))

    def apply(
        self,
        *,
        scheme: str,
        received: datetime,
        subject_access: str,
        concern: str,
        subject_name: str = "",
        subject_known_address: bool = True,
        subject_age: str = "",
        subject_description: str = "",
        children_ages: tuple[int, ...] = (),
        relationship_to_children: str = "",
        person_at_risk: bool = False,
        ways: tuple[str, ...] = ("phone",),
        safe_times: str = "Weekdays between 9am and 2pm, while the children are at school",
        notes: str = "Do not leave a voicemail",
    ) -> Application:
        surname = self.fake.last_name()
        applicant = f"{self.fake.first_name_female()} {surname}"
        address, postcode = self.address()
        subject_address = self.address()[0] if subject_known_address else ""
        answers = SubmittedApplication(
            scheme=scheme,
            third_party=person_at_risk,
            receiving_agency_id=self.force.pk,
            applicant_name=applicant,
            applicant_date_of_birth=self.adult_born(),
            applicant_address=address,
            applicant_postcode=postcode,
            safe_contact_ways=ways,
            applicant_phone=self.phone() if {"phone", "text"} & set(ways) else "",
            applicant_email=f"{surname.lower().replace(' ', '').replace(chr(39), '')}@example.invalid"
            if "email" in ways
            else "",
            safe_contact_times=safe_times,
            safe_contact_notes=notes,
            subject_name=subject_name or self.man(),
            subject_age=subject_age,
            subject_address=subject_address,
            subject_description=subject_description,
            subject_access=subject_access,
            concern=concern,
            person_at_risk_name=f"{self.fake.first_name_female()} {surname}" if person_at_risk else "",
            children=tuple(self.child(surname, age) for age in children_ages),
            relationship_to_children=relationship_to_children,
        )
        return application_submit(answers=answers, now=received)


def _loaded(marker: str) -> bool:
    return AuditEvent.objects.filter(actor_username="system:demo", object_type=marker).exists()


def load(
    *, area: MappaArea, agencies: dict[str, Agency], username: Callable[[str, str], str], prefix: str
) -> bool:
    """Add the demo's scheme applications, and those decided "disclose", if they have not been
    added. Returns whether any were."""
    added = False
    actor = _Actors(username)
    force = agencies[POLICE]
    now = timezone.now()
    if not _loaded(MARKER):
        officer = actor(POLICE, OFFICER_ROLE)
        public = _Public(force)
        _csods(public, officer, actor, force, now)
        _dvds(public, officer, now)
        record_event(
            action=AuditAction.COLLECTION,
            actor_username="system:demo",
            summary="Demo disclosure scheme applications loaded",
            object_type=MARKER,
            object_id=area.pk,
            detail={"applications": Application.objects.filter(receiving_agency=force).count()},
        )
        added = True
    if not _loaded(DISCLOSE_MARKER):
        officer = actor(POLICE, OFFICER_ROLE)
        applications = _disclosures(_Public(force, seed=7009), officer, actor, force, area, now)
        record_event(
            action=AuditAction.COLLECTION,
            actor_username="system:demo",
            summary="Demo disclosure scheme decisions to disclose loaded",
            object_type=DISCLOSE_MARKER,
            object_id=area.pk,
            detail={"applications": len(applications)},
        )
        added = True
    return added


# --- the officer's work -------------------------------------------------------------------------


def _advance(application: Application, officer: User, note: str = "") -> Application:
    """Move on, recording the safeguarding plan first when the application is past its target
    (the service refuses otherwise, as it would the officer)."""
    if needs_safeguarding_plan(application):
        application = safeguarding_plan_record(
            application=application, version=application.version, plan=PLAN, by=officer
        )
    return application_advance(application=application, version=application.version, note=note, by=officer)


def _to_face_to_face(application: Application, officer: User) -> Application:
    application = triage_record(
        application=application, version=application.version, immediate_risk=False, by=officer
    )
    return _advance(application, officer, "Applicant called back at a safe time; meeting arranged.")


def _to_risk_assessment(application: Application, officer: User) -> Application:
    application = _to_face_to_face(application, officer)
    met = min(application.received_at + timedelta(days=2), timezone.now())
    application = identity_verify(
        application=application,
        version=application.version,
        evidence={
            "identity": "UK passport, photograph matched",
            "address": "Council tax bill for this year at the address given",
            "relationship": "Child's birth certificate naming the applicant as parent",
        },
        verified_on=met,
        by=officer,
    )
    return _advance(application, officer, "Met at the local police station; identity seen.")


def _to_decision(
    application: Application, officer: User, summary: str, person: Person | None = None
) -> Application:
    application = _to_risk_assessment(application, officer)
    application = checks_record(
        application=application,
        version=application.version,
        subject_person=person,
        summary=summary,
        by=officer,
    )
    return _advance(application, officer, "Checks complete; for a decision with partner agencies.")


def _not_to_disclose(application: Application, officer: User, forum: str, rationale: str) -> Application:
    application = decision_record(
        application=application,
        version=application.version,
        outcome=SchemeOutcome.DO_NOT_DISCLOSE,
        forum=forum,
        rationale=rationale,
        presumption_applies=False,
        recipient_is_applicant=True,
        applicant_told=ApplicantTold.OUTCOME,
        by=officer,
    )
    return _advance(application, officer, "Decision recorded; to be communicated to the applicant.")


def _police_record(actor: _Actors, force: Agency, application: Application, ref: str) -> Person:
    """The subject as a Durham Constabulary person record (from an old incident report), written
    by its practitioner: a person in the index who is not a MAPPA nominal."""
    forenames, _, surname = application.subject_name.rpartition(" ")
    born = timezone.localdate().year - 41
    return person_create(
        source_agency=force,
        source_ref=ref,
        names=[NameData(surname=surname, forenames=forenames)],
        dates_of_birth=[PartialDate(born)],
        addresses=[AddressData(line1="14 Pitman's Row", town="Stanley")],
        by=actor(POLICE, "practitioner"),
    )


# --- Sarah's Law --------------------------------------------------------------------------------


def _csods(public: _Public, officer: User, actor: _Actors, force: Agency, now: datetime) -> None:
    def apply(
        received: timedelta,
        access: str,
        concern: str,
        ages: tuple[int, ...] = (7,),
        *,
        known: bool = True,
    ) -> Application:
        return public.apply(
            scheme="csods",
            received=now - received,
            subject_access=access,
            concern=concern,
            subject_name="" if known else "Not known",
            subject_known_address=known,
            subject_age="About 40" if known else "",
            subject_description=(
                "White, tall and thin, short grey hair, often in a work fleece" if known else ""
            ),
            children_ages=ages,
            relationship_to_children="Mother",
        )

    # Just received.
    apply(
        timedelta(hours=1),
        "My new partner. He stays at our house three nights a week and has offered to babysit.",
        "He avoids talking about his past and an old friend of his hinted he had been in prison.",
        (6, 9),
    )
    # Overdue at initial checks: nobody has recorded a plan, so the queue flags it.
    apply(
        timedelta(days=3),
        "A neighbour who has started walking my son to school with his own grandson.",
        "He gives my son sweets and asked him to keep their chats a secret from me.",
    )
    # Immediate risk at triage.
    flagged = apply(
        timedelta(hours=5),
        "My ex-partner's new boyfriend. My daughter stays with them every other weekend.",
        "My daughter came home upset and said he comes into the bathroom when she is in the bath.",
        (8,),
    )
    triage_record(
        application=flagged,
        version=flagged.version,
        immediate_risk=True,
        immediate_risk_action=(
            "Referred to children's services' front door by phone at once; this weekend's contact "
            "stopped by agreement with the mother while a strategy discussion is held."
        ),
        by=officer,
    )
    # Face to face.
    _to_face_to_face(
        apply(
            timedelta(hours=20),
            "The man who has moved in with my sister; my children stay with her in the holidays.",
            "My sister told me he cannot go near schools because of something in his past.",
            (5, 11),
        ),
        officer,
    )
    # Risk assessment.
    _to_risk_assessment(
        apply(
            timedelta(days=8),
            "My partner's lodger, who is alone with my daughter after school until I finish work.",
            "He has a lot of photographs of children on his phone that he says are his nieces.",
            (10,),
        ),
        officer,
    )
    # Decision: nothing found.
    _to_decision(
        apply(
            timedelta(days=15),
            "A volunteer coach at my son's football club, who gives him lifts to matches.",
            "He has been messaging my son late at night on a games console.",
            (12,),
        ),
        officer,
        "Police National Computer, local intelligence and the people index searched by name, age "
        "and address: no record of anyone matching the subject.",
    )
    # Outcome: found in the people index (not a MAPPA nominal), not to be disclosed.
    at_outcome = apply(
        timedelta(days=20),
        "My boyfriend, who picks my children up from nursery twice a week.",
        "His ex-partner posted online that he should not be allowed near children.",
        (3, 4),
    )
    person = _police_record(actor, force, at_outcome, "DEMO-SCHEME-0001")
    at_outcome = _to_decision(
        at_outcome,
        officer,
        person=person,
        summary=(
            "Matched a Durham Constabulary record from a 2019 neighbour dispute: no arrests, "
            "convictions or intelligence of any sexual offending. Not a MAPPA nominal."
        ),
    )
    _not_to_disclose(
        at_outcome,
        officer,
        "police_and_partners",
        "He has no convictions for child sexual offences and nothing held suggests a risk of "
        "sexual harm to the children; the online post relates to a dispute between former partners.",
    )
    # Closed after non-disclosure communicated, with support offered.
    closed = apply(
        timedelta(days=30),
        "My mother's new husband. My children visit her house most Sundays.",
        "He was evasive when my daughter asked about his children from his first marriage.",
        (9, 13),
    )
    closed = _to_decision(
        closed,
        officer,
        "Police National Computer, local intelligence and the people index searched: no record "
        "of the subject held by Durham Constabulary or found on the national systems.",
    )
    closed = _not_to_disclose(
        closed,
        officer,
        "police_and_partners",
        "There is no information held to suggest he poses a risk of sexual harm to the children; "
        "the applicant's concern was discussed with children's services, who hold nothing either.",
    )
    closed = non_disclosure_record(
        application=closed,
        version=closed.version,
        communicated_at=timezone.now(),
        how="in_person",
        support_referral=(
            "Given the NSPCC helpline and the Stop It Now leaflet on keeping children safe, and told "
            "she can apply again if anything changes."
        ),
        by=officer,
    )
    _advance(closed, officer, "Non-disclosure communicated in person; application closed.")
    # Not proceeding: a general enquiry.
    enquiry = apply(
        timedelta(days=2),
        "I do not know who; I want to know about anyone on our estate.",
        "I want a list of the sex offenders who live on our estate so I know who to keep my "
        "children away from.",
        (6,),
        known=False,
    )
    application_not_proceeding(
        application=enquiry,
        version=enquiry.version,
        reason=(
            "A general enquiry about sex offenders in the area, not a named person with access to a "
            "named child, so not an application under the scheme. The neighbourhood team will call "
            "her about keeping children safe locally and how to apply about a named person."
        ),
        by=officer,
    )
    # Closed after a referral to children's services.
    referred = apply(
        timedelta(days=25),
        "My ex-husband, who has the children every weekend under a court order.",
        "The children have said things about his friend who stays there that worry me.",
        (4, 7),
    )
    referred = _to_decision(
        referred,
        officer,
        "No record of the subject; the concern is about a friend staying at his address, not the "
        "subject himself, and children's services hold an open assessment of the family.",
    )
    referred = decision_record(
        application=referred,
        version=referred.version,
        outcome=SchemeOutcome.REFER,
        forum="police_and_partners",
        rationale=(
            "The concern is about the care of the children at their father's address rather than "
            "about the subject's past: children's services are best placed to act on it."
        ),
        referred_to=(
            "Durham County Council Children's Services, to add to their open assessment of the "
            "family and to speak to the children."
        ),
        presumption_applies=False,
        recipient_is_applicant=True,
        applicant_told=ApplicantTold.OUTCOME,
        by=officer,
    )
    referred = _advance(referred, officer, "Decision to refer recorded.")
    referred = referral_record(
        application=referred,
        version=referred.version,
        support_referral=(
            "Referral sent to children's services' front door; the mother given the number of the "
            "family's social worker and the NSPCC helpline."
        ),
        by=officer,
    )
    _advance(referred, officer, "Referral made and support offered; application closed.")


# --- Clare's Law --------------------------------------------------------------------------------


def _dvds(public: _Public, officer: User, now: datetime) -> None:
    right_to_know_open(
        source="Police: information from a domestic abuse investigation in another force",
        person_at_risk_name=public.woman(),
        subject_name=public.man(),
        subject_access="Her partner of four months; he has recently moved into her flat.",
        concern=(
            "He was convicted of assaulting two former partners, and she has been seen with bruising "
            "by a community support officer."
        ),
        safe_contact_ways=["phone"],
        safe_contact_times="Weekday mornings, when he is at work",
        safe_contact_notes="He checks her phone: do not text or leave a voicemail",
        contact_phone=public.phone(),
        by=officer,
    )
    # A mother asking about her daughter's partner, at face to face.
    third_party = public.apply(
        scheme="dvds",
        received=now - timedelta(days=3),
        subject_access="My daughter's boyfriend. They have been together six months and live together.",
        concern=(
            "My daughter has stopped seeing her friends, and he controls her money. A friend of his "
            "told me he was violent to his last girlfriend."
        ),
        subject_age="About 30",
        person_at_risk=True,
        ways=("phone", "email"),
        safe_times="Any time; I live alone",
        notes="",
    )
    _to_face_to_face(third_party, officer)
    # Closed after non-disclosure.
    closed = public.apply(
        scheme="dvds",
        received=now - timedelta(days=20),
        subject_access="My new partner; we met three months ago and he stays most nights.",
        concern="He gets angry quickly and told me his last relationship ended with the police called.",
        subject_age="35",
        ways=("phone",),
        safe_times="Tuesday and Thursday afternoons",
        notes="Say you are calling from the doctor's surgery if he answers",
    )
    closed = _to_decision(
        closed,
        officer,
        "Police National Computer and local systems searched: one call to a shared address in "
        "2021 recorded as a verbal argument, no offence, no other incidents. Nothing held by "
        "partner agencies at MARAC.",
    )
    closed = _not_to_disclose(
        closed,
        officer,
        "marac",
        "Nothing held shows a history of abuse or violence that would meet the pressing need to "
        "disclose; the single call in 2021 recorded no offence and no concern for either person.",
    )
    closed = non_disclosure_record(
        application=closed,
        version=closed.version,
        communicated_at=timezone.now(),
        how="in_person",
        support_referral=(
            "Given the number of the local domestic abuse service and the National Domestic Abuse "
            "Helpline, and told how to contact the police at any time."
        ),
        by=officer,
    )
    _advance(closed, officer, "Non-disclosure communicated in person; application closed.")


# --- decisions to disclose ----------------------------------------------------------------------


def _disclose(
    application: Application,
    officer: User,
    *,
    forum: str,
    rationale: str,
    presumption: bool,
    minutes: Minutes | None = None,
) -> Application:
    application = decision_record(
        application=application,
        version=application.version,
        outcome=SchemeOutcome.DISCLOSE,
        forum=forum,
        minutes=minutes,
        rationale=rationale,
        presumption_applies=presumption,
        recipient_is_applicant=True,
        applicant_told=ApplicantTold.OUTCOME,
        by=officer,
    )
    return _advance(application, officer, "Decision to disclose recorded; to be delivered in person.")


def _start(
    application: Application, officer: User, *, kind: str, relationship: str, told: str, risk: str, why: str
) -> Disclosure:
    """The disclosure started from the application, to the applicant, whose identity was seen."""
    application = disclosure_start(
        application=application,
        version=application.version,
        information_summary=told,
        offender_risk=risk,
        recipient_kind=kind,
        recipient_name=application.applicant_name,
        recipient_relationship=relationship,
        identity_confirmed_how=application.identity_evidence,
        why_right_person=why,
        by=officer,
    )
    disclosure = application.disclosure
    if disclosure is None:  # disclosure_start always links one
        raise RuntimeError(f"No disclosure linked to {application.reference}")
    return disclosure


def _prepared(disclosure: Disclosure, officer: User, *, deliver_on: date, trigger: tuple[str, str]) -> None:
    """Prepared on the disclosure record's own services, as the scheme officer who runs it."""

    def fresh() -> Disclosure:
        return Disclosure.objects.get(pk=disclosure.pk)

    delivery.preparation_record(
        disclosure=fresh(),
        version=fresh().version,
        recipient_already_knows="Only that the police have looked into her concern.",
        confidentiality_understood=True,
        how_to_use="Only to keep herself and her children safe; not to be shared with anyone else.",
        what_to_report="Any contact he makes with the children, or any threat, to the police at once.",
        contact_and_support="The scheme officer on the direct line given, and the local support service.",
        breakdown_support="Neighbourhood team visits and a refuge place if the relationship breaks down.",
        by=officer,
    )
    delivery.trigger_add(
        disclosure=fresh(), version=fresh().version, if_you_see=trigger[0], you_need_to=trigger[1], by=officer
    )
    delivery.offender_involvement_record(
        disclosure=fresh(),
        version=fresh().version,
        involvement=OffenderInvolvement.CONFIRMS_AFTER,
        by=officer,
    )
    delivery.delivery_plan(
        disclosure=fresh(),
        version=fresh().version,
        deliverer=officer,
        planned_delivery_date=deliver_on,
        by=officer,
    )
    delivery.disclosure_mark_prepared(disclosure=fresh(), version=fresh().version, by=officer)


def _disclosures(
    public: _Public, officer: User, actor: _Actors, force: Agency, area: MappaArea, now: datetime
) -> list[Application]:
    made = []
    # Sarah's Law, not a nominal: the disclosure started, not yet prepared.
    started = public.apply(
        scheme="csods",
        received=now - timedelta(days=18),
        subject_access="My new partner. He has moved in with us and looks after the children after school.",
        concern="His sister warned me not to leave him alone with the children, and would not say why.",
        subject_age="About 40",
        subject_description="White, stocky, short dark hair, a tattoo on his left forearm",
        children_ages=(5, 8),
        relationship_to_children="Mother",
    )
    person = _police_record(actor, force, started, "DEMO-SCHEME-0002")
    started = _to_decision(
        started,
        officer,
        person=person,
        summary=(
            "Matched a Durham Constabulary record: convicted in 2011 of a sexual offence against a "
            "child, sentence and notification period completed. Not a MAPPA nominal."
        ),
    )
    started = _disclose(
        started,
        officer,
        forum="police_and_partners",
        presumption=True,
        rationale=(
            "He has a conviction for a child sexual offence, lives with and cares for the children, "
            "and the presumption to disclose applies; nothing rebuts it."
        ),
    )
    _start(
        started,
        officer,
        kind=RecipientKind.PARENT_GUARDIAN,
        relationship="Mother of the two children named in the application",
        told="He was convicted in 2011 of a sexual offence against a child.",
        risk=(
            "A risk of harassment if it became known locally; outweighed by the risk to the children, "
            "and managed by her undertaking to keep it confidential."
        ),
        why="She has day-to-day care of the children and decides who looks after them.",
    )
    made.append(started)

    # Clare's Law, not a nominal: delivered in person, support offered, closed.
    delivered = public.apply(
        scheme="dvds",
        received=now - timedelta(days=16),
        subject_access="My partner of five months; we do not live together but he stays most weekends.",
        concern="He checks my phone and gets angry when I see friends. His ex told me he hurt her.",
        subject_age="38",
        ways=("phone",),
        safe_times="Weekday evenings after 6pm",
        notes="If a man answers, say it is a wrong number",
    )
    person = _police_record(actor, force, delivered, "DEMO-SCHEME-0003")
    delivered = _to_decision(
        delivered,
        officer,
        person=person,
        summary=(
            "Matched a Durham Constabulary record: convicted in 2018 of assaulting a former partner "
            "and subject of two later domestic incidents with another partner. Not a MAPPA nominal."
        ),
    )
    delivered = _disclose(
        delivered,
        officer,
        forum="marac",
        presumption=False,
        rationale=(
            "A conviction for violence to a former partner and a pattern of controlling behaviour: "
            "there is a pressing need to disclose so that she can protect herself."
        ),
    )
    disclosure = _start(
        delivered,
        officer,
        kind=RecipientKind.NEW_PARTNER,
        relationship="His current partner, who made the application",
        told="He was convicted in 2018 of assaulting a former partner.",
        risk=(
            "A risk that he reacts against her if he learns of it: managed by the safety plan "
            "agreed at MARAC."
        ),
        why="She is the person at risk and asked to know.",
    )
    _prepared(
        disclosure,
        officer,
        deliver_on=timezone.localdate(),
        trigger=("Him turning up uninvited or threatening her", "Call 999 and then the scheme officer"),
    )
    row = Disclosure.objects.get(pk=disclosure.pk)
    delivery.disclosure_deliver(
        disclosure=row,
        version=row.version,
        delivered_at=timezone.now(),
        method=DeliveryMethod.IN_PERSON,
        delivered_with="An independent domestic violence adviser",
        undertakings={recipient.pk: Undertaking.SIGNED for recipient in row.recipients.all()},
        by=officer,
    )
    delivered = Application.objects.get(pk=delivered.pk)
    delivered = disclosure_support_record(
        application=delivered,
        version=delivered.version,
        support_referral=(
            "Referred, with her agreement, to the local domestic abuse service; given the National "
            "Domestic Abuse Helpline and an IDVA's direct number."
        ),
        by=officer,
    )
    made.append(_advance(delivered, officer, "Disclosure delivered and support offered; application closed."))

    # Sarah's Law about a level 2 MAPPA nominal: decided at the held meeting, the disclosure prepared.
    held = Meeting.objects.filter(area=area, status=MeetingStatus.HELD).order_by("-starts_at").first()
    items = list(held.agenda_items.select_related("nominal__person").order_by("position")) if held else []
    if len(items) < 2:
        return made
    item = items[1]  # the first case's partner was told under MAPPA (disclosures.py)
    minutes = item.minutes.filter(status=MinutesStatus.APPROVED).first()
    name = item.nominal.person.primary_name
    if minutes is None or name is None:
        return made
    mappa_case = public.apply(
        scheme="csods",
        received=now - timedelta(days=21),
        subject_name=f"{name.forenames} {name.surname}".strip(),
        subject_access="My sister's partner. My daughter stays at their house one night a week.",
        concern="My sister let slip that he has a probation officer and cannot go near parks.",
        children_ages=(9,),
        relationship_to_children="Mother",
    )
    mappa_case = _to_decision(
        mappa_case,
        officer,
        person=item.nominal.person,
        summary=(
            "The subject is a MAPPA nominal managed at level 2: a conviction for a child sexual "
            "offence. The lead agency has been told; the decision goes to the level 2 meeting."
        ),
    )
    mappa_case = _disclose(
        mappa_case,
        officer,
        forum="mappa",
        minutes=minutes,
        presumption=True,
        rationale=(
            "The level 2 meeting agreed: a child sexual offence conviction, overnight access to the "
            "applicant's daughter, and a need to disclose so that her mother can protect her."
        ),
    )
    disclosure = _start(
        mappa_case,
        officer,
        kind=RecipientKind.PARENT_GUARDIAN,
        relationship="Mother of the child named in the application",
        told="He has a conviction for a sexual offence against a child and is managed by MAPPA.",
        risk="A risk to his placement and of vigilantism: managed by the MAPPA plan and her undertaking.",
        why="She decides where her daughter stays overnight.",
    )
    _prepared(
        disclosure,
        officer,
        deliver_on=timezone.localdate() + timedelta(days=3),
        trigger=("Him alone with your daughter", "Call 999, then the scheme officer"),
    )
    made.append(mappa_case)
    return made
