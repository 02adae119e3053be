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

No application is decided "disclose": delivery through the disclosure record is not built for
scheme applications yet. The services stamp each stage's completion with the time of the load,
so an application received days ago has its earlier stages completed today; one past its target
when it moves on gets a safeguarding plan first, as an officer would have to record. One audit
event, by `system:demo`, marks the load: a database that has it is left alone.
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
from mappa.disclosure_schemes.services_outcome import (
    checks_record,
    decision_record,
    non_disclosure_record,
    referral_record,
)
from mappa.disclosure_schemes.services_public import Child, SubmittedApplication, application_submit
from mappa.people.dates import PartialDate
from mappa.people.models import Person
from mappa.people.services import AddressData, NameData, person_create

MARKER = "demo_schemes"
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

    def __init__(self, force: Agency) -> None:
        self.force = force
        self.fake = Faker("en_GB")
        self.fake.seed_instance(7007)
        self.rng = Random(7007)  # noqa: S311 - synthetic demo data, not security
        self._phones: set[str] = set()

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


def load(
    *, area: MappaArea, agencies: dict[str, Agency], username: Callable[[str, str], str], prefix: str
) -> bool:
    """Add the demo's scheme applications if they have not been added. Returns whether they were."""
    if AuditEvent.objects.filter(actor_username="system:demo", object_type=MARKER).exists():
        return False
    actor = _Actors(username)
    officer = actor(POLICE, OFFICER_ROLE)
    force = agencies[POLICE]
    public = _Public(force)
    now = timezone.now()

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
    return True


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
