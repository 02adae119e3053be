"""Synthetic information items, shares and requests for the Durham demo (issue 4).

Everything is written through mappa/information_sharing/services.py, acting as the demo users,
so every rule is checked and every audit event written just as in real use: the demo cannot
contain a share the service would refuse. About forty nominals get case notes from police and
probation (and a few from prisons); police and probation share some of them with children's
services, housing, the health trust, youth justice and Jobcentre Plus, who then hold items of
their own; and there are requests waiting, granted, declined and refused, a share that ends
soon, revoked shares, a superseded item and an erased one.

All of it is invented. People are named by Faker's en_GB provider with a fixed seed, addresses
pair Faker surnames as street names with "DH99" postcodes, so none is a real address, and
organisations other than the demo agencies (employers, landlords) are invented too. The same
seed gives the same content on every machine. One audit event, by `system:demo`, marks the load:
a database that has it is left alone.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from random import Random
from typing import Any

from django.utils import timezone
from faker import Faker

from mappa.accounts.models import AgencyMembership, User
from mappa.accounts.services import act_as
from mappa.agencies.models import Agency, AgreementPurpose, MappaArea
from mappa.audit.models import Action, AuditEvent
from mappa.audit.services import record_event
from mappa.information_sharing import services
from mappa.information_sharing.attributes import DETAIL
from mappa.information_sharing.models import (
    AccessRequest,
    Gateway,
    InformationItem,
    ItemKind,
    OnwardShareRequest,
    OnwardTerms,
    Share,
    SpecialCategory,
)
from mappa.information_sharing.services import ItemContent, ItemSelection, ShareTerms
from mappa.nominals.models import Category, Nominal, Status
from mappa.people.models import Gender, NameKind

MARKER = "demo_information_sharing"
SEED = 4004
CASE_COUNT = 40
# Inward codes use only the letters Royal Mail allows there.
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_STREET_SUFFIXES = ("Street", "Terrace", "Road", "Close", "Avenue", "Crescent", "Gardens", "Walk", "Row")
_TOWNS = (
    "Durham",
    "Chester-le-Street",
    "Stanley",
    "Consett",
    "Peterlee",
    "Seaham",
    "Spennymoor",
    "Bishop Auckland",
    "Newton Aycliffe",
    "Darlington",
)

POLICE, PROBATION, CHILDREN, HOUSING, HEALTH, YOUTH, JOBCENTRE = (
    "DURHAM-POLICE",
    "PS-NORTH-EAST",
    "DCC-CHILDREN",
    "DCC-HOUSING",
    "TEWV-NHS",
    "CD-YJS",
    "JCP-DURHAM",
)
PRISONS = ("HMP-DURHAM", "HMP-FRANKLAND")


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _month(value: date) -> str:
    return f"{value:%B %Y}"


class _Writer:
    """The seeded sources of everything invented: people, addresses, dates and choices."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.rng = Random(SEED)  # noqa: S311 - synthetic demo data, not security
        self.fake = Faker("en_GB")
        self.fake.seed_instance(SEED)

    def choice(self, options: Sequence[Any]) -> Any:
        return self.rng.choice(options)

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def ago(self, low: int, high: int) -> date:
        return self.today - timedelta(days=self.rng.randint(low, high))

    def ahead(self, low: int, high: int) -> date:
        return self.today + timedelta(days=self.rng.randint(low, high))

    def street(self) -> str:
        return f"{self.fake.last_name()} {self.choice(_STREET_SUFFIXES)}"

    def postcode(self) -> str:
        letters = "".join(self.choice(_INWARD_LETTERS) for _ in range(2))
        return f"DH99 {self.rng.randint(1, 9)}{letters}"

    def town(self) -> str:
        return str(self.choice(_TOWNS))

    def address(self, town: str | None = None) -> str:
        return f"{self.rng.randint(1, 120)} {self.street()}, {town or self.town()}, {self.postcode()}"

    def person(self, female: bool) -> str:
        forename = self.fake.first_name_female() if female else self.fake.first_name_male()
        return f"{forename} {self.fake.last_name()}"

    def child(self) -> str:
        return str(self.fake.first_name_female() if self.chance(0.5) else self.fake.first_name_male())


@dataclass
class _Case:
    """A nominal with what the prose needs: a name, pronouns and the register's facts."""

    nominal: Nominal
    forename: str
    surname: str
    female: bool
    town: str

    @property
    def title(self) -> str:
        return f"{'Ms' if self.female else 'Mr'} {self.surname}"

    @property
    def he(self) -> str:
        return "she" if self.female else "he"

    @property
    def him(self) -> str:
        return "her" if self.female else "him"

    @property
    def his(self) -> str:
        return "her" if self.female else "his"

    @property
    def category(self) -> int:
        return self.nominal.category

    @property
    def lead(self) -> str:
        return self.nominal.lead_agency.code

    @property
    def in_community(self) -> bool:
        return self.nominal.status == Status.IN_COMMUNITY

    @property
    def youth(self) -> bool:
        return self.lead == YOUTH


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- the prose of each kind of item ------------------------------------------------------------

# (offence, victim profile, what happened): category 1, 2 and 3 offences.
_OFFENCES: dict[int, list[tuple[str, str, str]]] = {
    Category.REGISTERED_SEXUAL_OFFENDER: [
        (
            "Sexual assault of a child under 13 (Sexual Offences Act 2003 s.7)",
            "Female child aged 9 to 11, the daughter of a family friend",
            "The offences took place over about eight months while {he} was trusted to look after the "
            "child after school.",
        ),
        (
            "Sexual activity with a child (Sexual Offences Act 2003 s.9)",
            "Female child aged 14, first contacted through an online game",
            "{He} groomed the child online over several weeks before arranging to meet her in a park.",
        ),
        (
            "Making indecent photographs of children (Protection of Children Act 1978 s.1)",
            "Images of children of both sexes aged about 6 to 13; no contact victim identified",
            "Devices seized under warrant held several hundred images, some in the most serious category.",
        ),
        (
            "Sexual assault (Sexual Offences Act 2003 s.3)",
            "Adult female, a stranger, on a late-night bus",
            "{He} sat beside the victim and assaulted her; other passengers intervened and called police.",
        ),
        (
            "Attempting to meet a child following sexual grooming (Sexual Offences Act 2003 s.15)",
            "An adult decoy posing as a girl aged 13; no child victim",
            "{He} travelled to meet the 'child' and was arrested at the meeting place.",
        ),
    ],
    Category.VIOLENT_OFFENDER: [
        (
            "Wounding with intent (Offences Against the Person Act 1861 s.18)",
            "Adult male, a stranger, outside a bar",
            "After an argument in the queue for a taxi {he} struck the victim with a glass bottle.",
        ),
        (
            "Assault occasioning actual bodily harm (Offences Against the Person Act 1861 s.47)",
            "Adult female, {his} partner at the time",
            "The assault followed months of escalating jealousy and took place in front of the victim's "
            "children.",
        ),
        (
            "Controlling or coercive behaviour (Serious Crime Act 2015 s.76)",
            "Adult female, {his} former partner",
            "Over two years {he} controlled the victim's money, phone and friendships and threatened to "
            "harm her if she left.",
        ),
        (
            "Robbery (Theft Act 1968 s.8)",
            "Adult male, a shop worker",
            "{He} threatened the shop worker with a knife and took the contents of the till.",
        ),
        (
            "Arson with intent to endanger life (Criminal Damage Act 1971 s.1(2))",
            "An adult couple living in the flat below",
            "{He} set fire to the neighbours' door after a long dispute about noise.",
        ),
    ],
    Category.OTHER_DANGEROUS_OFFENDER: [
        (
            "Threats to kill (Offences Against the Person Act 1861 s.16)",
            "Adult male, {his} former partner's new partner",
            "{He} sent repeated messages describing how {he} would kill the victim.",
        ),
        (
            "Stalking involving fear of violence (Protection from Harassment Act 1997 s.4A)",
            "Adult female, a former colleague",
            "{He} followed the victim to and from work for several months and left notes at her home.",
        ),
    ],
}
_COURTS = ("Durham Crown Court", "Teesside Crown Court", "Newcastle Crown Court")
_PREVIOUS = (
    "none recorded",
    "two for theft and one for common assault, all more than ten years ago",
    "one for possession of a bladed article",
    "three for drink-driving and related offences",
    "a caution for harassment of a former partner",
)


def _offending_history(case: _Case, w: _Writer) -> ItemContent:
    offence, victim, what = w.choice(_OFFENCES[case.category])
    sentenced = case.nominal.sentence_date or w.ago(400, 2000)
    offended = sentenced - timedelta(days=w.rng.randint(150, 500))
    court = "the youth court in Durham" if case.youth else w.choice(_COURTS)
    if case.youth:
        outcome = "Youth rehabilitation order (24 months) with intensive supervision and surveillance"
    elif case.lead == HEALTH:
        outcome = "Hospital order with a restriction order (Mental Health Act 1983 ss.37 and 41)"
    elif case.category == Category.REGISTERED_SEXUAL_OFFENDER:
        outcome = (
            f"{w.choice((30, 36, 44, 54))} months' imprisonment; Sexual Harm Prevention Order for "
            f"{w.choice((7, 10))} years; notification requirements apply"
        )
    else:
        outcome = w.choice(
            (
                "Extended sentence: 6 years' custody and 4 years' extended licence",
                f"{w.choice((40, 48, 66))} months' imprisonment; restraining order (indefinite)",
                "Imprisonment for public protection, released on licence by the Parole Board",
            )
        )
    plea = w.choice(("on {his} guilty plea", "after a trial")).format(his=case.his)
    what = what.format(he=case.he, He=_cap(case.he), his=case.his)
    detail = (
        f"{case.title} was convicted {plea} at {court} and sentenced on {_day(sentenced)}. "
        f"{what} Previous convictions: {w.choice(_PREVIOUS)}. "
        "Summarised from the police national computer record and the case file; the full case papers "
        "are held by the Crown Prosecution Service."
    )
    return ItemContent(
        kind=ItemKind.OFFENDING_HISTORY,
        summary=f"Index offence: {offence.split(' (')[0].lower()}",
        detail=detail,
        attributes={
            "offence": offence,
            "offence_date": _month(offended),
            "court": court[:1].upper() + court[1:],
            "outcome": outcome,
            "victim_profile": victim.format(his=case.his),
        },
    )


# (summary, detail, (source, intelligence, handling)): the 3x5x2 grading.
_INTELLIGENCE: list[tuple[str, str, tuple[str, str, str]]] = [
    (
        "Seen repeatedly near a children's play area",
        "A member of the public told the neighbourhood team that a man matching {his} description has "
        "sat on the bench beside the play area at the {street} recreation ground on at least three "
        "weekday afternoons in the last fortnight, alone and not with a child. Not yet corroborated; "
        "the neighbourhood team will patrol at school closing times.",
        ("2", "C", "P"),
    ),
    (
        "Possible undeclared second mobile phone",
        "A source who has proved reliable before reports that {he} keeps a second mobile phone at a "
        "friend's address and uses it for social media. Only one device is declared. A home visit is "
        "planned to check devices under the order.",
        ("1", "B", "C"),
    ),
    (
        "Possible new relationship with a mother of young children",
        "Information that {he} has formed a relationship with a woman living on {street}, {town}, who "
        "has two children of primary school age. The woman's full name is not yet confirmed. If it is, "
        "a decision on disclosure to her will be needed.",
        ("2", "B", "P"),
    ),
    (
        "Reported threats towards a former partner",
        "An anonymous report says {he} has been drinking heavily and telling others at the {surname} "
        "Arms that {he} will 'sort out' {his} former partner when {his} licence ends. Untested, but "
        "consistent with the pattern of the index offence.",
        ("2", "C", "C"),
    ),
    (
        "Visitors to the address late at night",
        "Neighbours report young men calling at {his} flat late at night over the past month. Possible "
        "drug supply or exploitation of the address ('cuckooing'); {he} may be a victim as well as a "
        "risk. Passed to the neighbourhood team for patrols.",
        ("3", "C", "P"),
    ),
    (
        "Dating app profile under another first name",
        "An online safety officer found a dating app profile using {his} photograph and the first name "
        "'{alias}', giving an age ten years younger than {his} own. No messages have been seen.",
        ("1", "A", "P"),
    ),
]


_YOUTH_INTELLIGENCE = (
    "Seen with older men linked to drug supply",
    "Officers stopped {him} twice last month in the company of two adult men believed to run a drug "
    "supply line between Teesside and {town}. {He} may be being exploited. Referred to the "
    "child exploitation team.",
    ("2", "B", "P"),
)


def _intelligence(case: _Case, w: _Writer) -> ItemContent:
    summary, detail, (source, assessment, handling) = (
        _YOUTH_INTELLIGENCE if case.youth else w.choice(_INTELLIGENCE)
    )
    text = detail.format(
        he=case.he,
        He=_cap(case.he),
        him=case.him,
        his=case.his,
        street=w.street(),
        town=case.town,
        surname=w.fake.last_name(),
        alias=w.fake.first_name_female() if case.female else w.fake.first_name_male(),
    )
    return ItemContent(
        kind=ItemKind.INTELLIGENCE,
        summary=summary,
        detail=text,
        source_evaluation=source,
        intelligence_assessment=assessment,
        handling_code=handling,
    )


def _risk_factor(case: _Case, w: _Writer, *, by_police: bool = False, health: bool = False) -> ItemContent:
    reviewed = _day(w.ago(10, 120))
    tool = "Active Risk Management System (ARMS)" if by_police else "OASys"
    if health:
        return ItemContent(
            kind=ItemKind.RISK_FACTOR,
            summary="Risk rises when mental health deteriorates",
            detail=(
                f"{case.title} has a diagnosis of paranoid schizophrenia. When {case.he} stops taking "
                f"{case.his} medication {case.he} becomes suspicious of neighbours and family, and both "
                "incidents of violence on record followed a period of weeks without medication. Early "
                "warning signs: missed depot appointments, not answering the door, and accusing others of "
                f"watching {case.him}. Assessed with {tool} on {reviewed}."
            ),
            special_categories=[SpecialCategory.HEALTH],
        )
    if case.category == Category.REGISTERED_SEXUAL_OFFENDER:
        return ItemContent(
            kind=ItemKind.RISK_FACTOR,
            summary="High risk of serious harm to children",
            detail=(
                f"Assessed with {tool} on {reviewed} as posing a high risk of serious harm to children. "
                f"The risk is greatest when {case.he} has unsupervised access to children through "
                f"friendships with their parents. {_cap(case.he)} tends to minimise the offending. Warning "
                f"signs: a new relationship with a parent, secrecy about where {case.he} spends {case.his} "
                "time, and more time online."
            ),
        )
    return ItemContent(
        kind=ItemKind.RISK_FACTOR,
        summary=w.choice(
            (
                "High risk of serious harm to a known adult (intimate partners)",
                "Alcohol misuse closely linked to violence",
                "Risk to the public when in conflict with others",
            )
        ),
        detail=(
            f"Assessed with {tool} on {reviewed}. Violence has followed heavy drinking and perceived "
            f"rejection. {_cap(case.he)} has little insight into the effect on victims. Warning signs: "
            "drinking again, a new intimate relationship, jealousy and checking a partner's phone, and "
            "missed appointments."
        ),
    )


_PROTECTIVE = (
    (
        "Engaging well with an accredited programme",
        "Attends every session of the Horizon programme and completes the work between sessions. The "
        "facilitators report growing openness about the offending and its effect on the victim.",
    ),
    (
        "Settled work with an employer who knows about the convictions",
        "In full-time work for seven months. The employer has been told about the convictions, with "
        "consent, and the role involves no contact with children or adults at risk.",
    ),
    (
        "A sister who knows about the offending and keeps in touch",
        "Sees {his} sister weekly. She knows about the convictions and the licence conditions and has "
        "said she will contact the offender manager if she has concerns.",
    ),
    (
        "Abstinent from alcohol since release",
        "Tests negative for alcohol at every appointment and attends a recovery group twice a week. "
        "{He} describes drinking as the thing {he} most needs to avoid.",
    ),
    (
        "Open about new contacts",
        "Tells the offender manager about new friends and acquaintances without being asked, and "
        "accepted without argument the advice to end one friendship with a mother of young children.",
    ),
)


def _protective_factor(case: _Case, w: _Writer) -> ItemContent:
    summary, detail = w.choice(_PROTECTIVE)
    return ItemContent(
        kind=ItemKind.PROTECTIVE_FACTOR,
        summary=summary,
        detail=detail.format(he=case.he, He=_cap(case.he), his=case.his),
    )


def _accommodation(case: _Case, w: _Writer, *, kind: str | None = None) -> ItemContent:
    kind = kind or w.choice(("approved", "private", "tenancy", "family"))
    since = w.ago(30, 500)
    if not case.in_community:
        return ItemContent(
            kind=ItemKind.ACCOMMODATION,
            summary="Release address: approved premises place requested",
            detail=(
                "No suitable address to return to. A place at approved premises in County Durham has been "
                "requested for the first twelve weeks after release; the referral is with the approved "
                "premises manager. Returning to the previous family home is not suitable because of the "
                "children living nearby."
            ),
            attributes={"accommodation_type": "Approved premises (requested)", "household": "Not applicable"},
        )
    town = case.town
    if kind == "approved":
        attributes = {
            "address": f"Approved premises, {w.street()}, {town}, {w.postcode()}",
            "accommodation_type": "Approved premises",
            "household": "About 20 other residents, all adults under supervision",
            "landlord": "HMPPS approved premises",
        }
        summary = "Living at approved premises"
        detail = (
            f"Living at approved premises since {_day(since)}, subject to the premises' curfew and "
            "signing-in times. Staff report no concerns. Move-on planning has started with the local "
            "authority housing team."
        )
    elif kind == "private":
        attributes = {
            "address": w.address(town),
            "accommodation_type": "Private rented flat",
            "household": "Lives alone",
            "landlord": f"{w.fake.last_name()} Lettings (private landlord)",
        }
        summary = "Private rented flat, lives alone"
        detail = (
            f"Address approved on {_day(since)} after a home visit and checks with police and children's "
            "services: no children live at or regularly visit the address. The nearest primary school is "
            "about half a mile away and not on a direct route from the flat."
        )
    elif kind == "tenancy":
        attributes = {
            "address": w.address(town),
            "accommodation_type": "Housing association tenancy",
            "household": "Lives alone",
            "landlord": f"{w.fake.last_name()} Homes (housing association)",
        }
        summary = "Housing association tenancy, lives alone"
        detail = (
            f"Tenancy started {_day(since)}. The landlord's tenancy officer knows the address is approved "
            "under the licence and will tell the offender manager about any complaints from neighbours."
        )
    else:
        relative = w.person(female=True)
        attributes = {
            "address": w.address(town),
            "accommodation_type": "Living with a family member",
            "household": f"{relative} ({case.his} mother, aged {w.rng.randint(58, 79)})",
            "landlord": "Owner-occupied by the mother",
        }
        summary = f"Living with {case.his} mother"
        detail = (
            f"Has lived with {case.his} mother since {_day(since)}. She knows about the convictions. No "
            "children live at the address; grandchildren visit at weekends only when the nominal is "
            "out, as agreed with the offender manager."
        )
    attributes["from_date"] = _day(since)
    return ItemContent(kind=ItemKind.ACCOMMODATION, summary=summary, detail=detail, attributes=attributes)


_ETHNICITIES = (
    "White British",
    "White Irish",
    "Mixed: White and Black Caribbean",
    "Pakistani",
    "Gypsy or Irish Traveller",
    "White: any other White background",
)
_RELIGIONS = ("Christian", "Muslim", "No religion", "Roman Catholic", "Not stated", "Jehovah's Witness")


def _relationships(case: _Case, w: _Writer, *, with_children: bool | None = None) -> ItemContent:
    partner_female = not case.female
    partner = w.person(female=partner_female)
    with_children = w.chance(0.6) if with_children is None else with_children
    since = w.ago(40, 300)
    children = (
        f"Two children: {w.child()}, aged {w.rng.randint(4, 8)}, and {w.child()}, aged {w.rng.randint(9, 13)}"
        if with_children
        else "None"
    )
    they = "She" if partner_female else "He"
    parent = "mother" if partner_female else "father"
    detail = (
        f"{case.title} told us about the relationship at a home visit on {_day(since)}. {they} says "
        f"{they.lower()} knows about the convictions; this has not yet been confirmed with "
        f"{partner.split()[0]} directly. "
        + (
            f"The children live with their {parent}. A joint visit with children's services is needed "
            "before any contact is approved."
            if with_children
            else "No children live at or visit the partner's address, as far as is known."
        )
    )
    return ItemContent(
        kind=ItemKind.RELATIONSHIPS,
        summary=f"New partner{' with young children' if with_children else ''} since {_month(since)}",
        detail=detail,
        attributes={
            "person_name": partner,
            "relationship": f"Partner since {_month(since)}",
            "address": w.address(case.town),
            "children": children,
            "ethnicity": w.choice(_ETHNICITIES),
            "religion": w.choice(_RELIGIONS),
        },
    )


def _compliance(case: _Case, w: _Writer, *, by_police: bool = False) -> ItemContent:
    when = w.ago(5, 60)
    if by_police:
        return ItemContent(
            kind=ItemKind.COMPLIANCE,
            summary="Annual notification and home visit completed",
            detail=(
                f"Re-notified in person on {_day(when)}. Home visit by the management of sexual or violent "
                "offenders team the same week: devices examined, nothing of concern found."
            ),
            attributes={
                "requirement": "Notification requirements (Sexual Offences Act 2003 Part 2): annual",
                "event": "Notified in person; unannounced home visit completed",
                "event_date": _day(when),
                "outcome": "Compliant",
            },
        )
    if case.category == Category.REGISTERED_SEXUAL_OFFENDER:
        requirement = "Licence condition: no unsupervised contact with any child under 18 without approval"
    else:
        requirement = w.choice(
            (
                "Licence condition: curfew from 19:00 to 07:00 at the approved address (tagged)",
                "Licence condition: not to contact the victim directly or indirectly",
                "Licence condition: attend appointments with the offender manager as directed",
            )
        )
    event, outcome = w.choice(
        (
            (
                "Missed a supervision appointment; phoned the next morning to say "
                f"{case.he} had been unwell, and brought a fit note",
                "No further action: acceptable explanation",
            ),
            ("Late home by 40 minutes; said the last bus did not run", "Warning letter issued"),
            ("Attended every appointment and the home visit in the period", "Compliant"),
            (
                "Arrived at an appointment smelling of alcohol; admitted drinking",
                "Warning; referral to alcohol service",
            ),
        )
    )
    return ItemContent(
        kind=ItemKind.COMPLIANCE,
        summary=f"Licence compliance, {_month(when)}: {outcome.split(':')[0].split(';')[0].lower()}",
        detail=f"{event}. Discussed at the next supervision session and recorded on the case record.",
        attributes={"requirement": requirement, "event": event, "event_date": _day(when), "outcome": outcome},
    )


def _employment(case: _Case, w: _Writer) -> ItemContent:
    employer = f"{w.fake.last_name()} {w.choice(('Logistics', 'Joinery', 'Recycling', 'Groundworks'))} Ltd"
    since = w.ago(30, 240)
    return ItemContent(
        kind=ItemKind.EMPLOYMENT_EDUCATION,
        summary=f"Employed full time since {_month(since)}",
        detail=(
            f"Started as a warehouse operative on {_day(since)}. The employer was told about the "
            "convictions, with consent, before the job was offered. Wages are paid monthly; universal "
            "credit claim closed on starting work."
        ),
        attributes={
            "employer": employer,
            "role": "Warehouse operative",
            "address": (
                f"Unit {w.rng.randint(1, 30)}, {w.fake.last_name()} Industrial Estate, "
                f"{case.town}, {w.postcode()}"
            ),
            "hours": "Monday to Friday, 07:00 to 15:30",
            "contact_with_children": "None: the site is closed to the public",
        },
    )


def _prison_item(case: _Case, w: _Writer) -> ItemContent:
    when = w.ago(10, 90)
    return ItemContent(
        kind=ItemKind.COMPLIANCE,
        summary="Custodial behaviour: enhanced status, no adjudications this year",
        detail=(
            f"Enhanced on the incentives scheme since {_day(when)}. Works in the prison laundry and "
            "attends education three mornings a week. No proven adjudications in the last twelve months."
        ),
        attributes={
            "requirement": "Prison rules and the sentence plan",
            "event": "Incentives review",
            "event_date": _day(when),
            "outcome": "Enhanced status kept",
        },
    )


# --- who acts ----------------------------------------------------------------------------------


class _Actors:
    """Demo users acting for their agency, as the sign-in would set them."""

    def __init__(self, username: Callable[[str, str], str]) -> None:
        self._username = username
        self._cache: dict[tuple[str, str], User] = {}

    def __call__(self, code: str, role: str = "practitioner") -> User:
        key = (code, role)
        if key not in self._cache:
            user = User.objects.get(username=self._username(code, role))
            act_as(user, AgencyMembership.objects.select_related("agency").get(user=user, agency__code=code))
            self._cache[key] = user
        return self._cache[key]


# --- the load ----------------------------------------------------------------------------------


def _cases(area: MappaArea, prefix: str, w: _Writer) -> list[_Case]:
    nominals = list(
        Nominal.objects.filter(area=area, person__source_ref__startswith=prefix)
        .select_related("lead_agency", "person")
        .prefetch_related("person__names")
        .order_by("person__source_ref")
    )
    cases = []
    for nominal in nominals:
        name = next(n for n in nominal.person.names.all() if n.kind == NameKind.CURRENT)
        cases.append(
            _Case(nominal, name.forenames, name.surname, nominal.person.gender == Gender.FEMALE, w.town())
        )
    w.rng.shuffle(cases)
    return cases


class _Picker:
    """Takes cases from the shuffled register, each once, matching what a scenario needs."""

    def __init__(self, cases: list[_Case]) -> None:
        self.cases = cases
        self.taken: list[_Case] = []

    def take(self, test: Callable[[_Case], bool]) -> _Case:
        for case in self.cases:
            if case not in self.taken and test(case):
                self.taken.append(case)
                return case
        raise LookupError("The demo register has no nominal for an information-sharing scenario")

    def fill(self, count: int) -> list[_Case]:
        # Every level 2 and 3 case first (they are the ones discussed at meetings), then the rest.
        for case in [c for c in self.cases if c.nominal.level >= 2] + self.cases:
            if len(self.taken) >= count:
                break
            if case not in self.taken:
                self.taken.append(case)
        return self.taken


def _community(lead: str, category: int | None = None) -> Callable[[_Case], bool]:
    # Men only: the scenarios' prose (a partner who is a mother, say) is written for them, and
    # nearly every nominal is a man.
    return lambda c: c.in_community and c.lead == lead and category in (None, c.category) and not c.female


class _Loader:
    def __init__(self, agencies: dict[str, Agency], actors: _Actors, w: _Writer) -> None:
        self.agencies = agencies
        self.actor = actors
        self.w = w
        self.items: dict[tuple[int, str, str], list[InformationItem]] = {}
        self.counts = {"items": 0, "shares": 0, "access_requests": 0, "onward_requests": 0}

    # Writes, each through its service.

    def record(self, case: _Case, code: str, content: ItemContent) -> InformationItem:
        item = services.item_create(nominal=case.nominal, content=content, by=self.actor(code))
        self.items.setdefault((case.nominal.pk, code, item.kind), []).append(item)
        self.counts["items"] += 1
        return item

    def held(self, case: _Case, code: str, kind: str) -> InformationItem:
        return self.items[(case.nominal.pk, code, kind)][0]

    def share(
        self,
        code: str,
        selections: list[ItemSelection],
        recipient: str,
        statements: tuple[str, str, str],
        **terms: Any,
    ) -> Share:
        necessity, proportionality, relevance = statements
        terms.setdefault("purpose", AgreementPurpose.MAPPA)
        terms.setdefault("gateway", Gateway.CJA_2003_S325)
        onward = [self.agencies[c] for c in terms.pop("onward", ())]
        access_request = terms.pop("access_request", None)
        share = services.share_create(
            selections=selections,
            terms=ShareTerms(
                recipient=self.agencies[recipient],
                necessity=necessity,
                proportionality=proportionality,
                relevance=relevance,
                onward_agencies=onward,
                **terms,
            ),
            by=self.actor(code),
            access_request=access_request,
        )
        self.counts["shares"] += 1
        return share

    def request(self, case: _Case, code: str, owner: str, reason: str, **kwargs: Any) -> AccessRequest:
        request = services.access_request_create(
            nominal=case.nominal,
            owner_agency=self.agencies[owner],
            reason=reason,
            by=self.actor(code),
            **kwargs,
        )
        self.counts["access_requests"] += 1
        return request

    def onward(
        self, share: Share, items: list[InformationItem], code: str, target: str, reason: str
    ) -> OnwardShareRequest:
        request = services.onward_request_create(
            source_share=share,
            items=items,
            target_agency=self.agencies[target],
            reason=reason,
            by=self.actor(code),
        )
        self.counts["onward_requests"] += 1
        return request

    # Each case's ordinary record: what police, probation and prisons would hold.

    def case_notes(self, case: _Case, *, needs: frozenset[str] = frozenset()) -> None:
        w = self.w
        self.record(case, POLICE, _offending_history(case, w))
        if case.lead == HEALTH:
            return
        if "intelligence" in needs or w.chance(0.45):
            self.record(case, POLICE, _intelligence(case, w))
        if case.youth:
            return
        if case.lead == POLICE:
            # A registered sexual offender past licence, managed by the police alone.
            self.record(case, POLICE, _risk_factor(case, w, by_police=True))
            if "relationships" in needs or w.chance(0.4):
                self.record(case, POLICE, _relationships(case, w, with_children="children" in needs or None))
            if w.chance(0.6):
                self.record(case, POLICE, _compliance(case, w, by_police=True))
            if w.chance(0.4):
                self.record(case, POLICE, _protective_factor(case, w))
            return
        self.record(case, PROBATION, _risk_factor(case, w, health="health" in needs))
        if w.chance(0.6):
            self.record(case, PROBATION, _protective_factor(case, w))
        if "approved_premises" in needs:
            self.record(case, PROBATION, _accommodation(case, w, kind="approved"))
        elif "accommodation" in needs or not case.in_community or w.chance(0.7):
            self.record(case, PROBATION, _accommodation(case, w))
        if case.in_community:
            if "relationships" in needs or w.chance(0.35):
                self.record(
                    case, PROBATION, _relationships(case, w, with_children="children" in needs or None)
                )
            if "compliance" in needs or w.chance(0.5):
                self.record(case, PROBATION, _compliance(case, w))
            if "employment" in needs or w.chance(0.15):
                self.record(case, PROBATION, _employment(case, w))
        if case.lead in PRISONS:
            self.record(case, case.lead, _prison_item(case, w))


def load(
    *, area: MappaArea, agencies: dict[str, Agency], username: Callable[[str, str], str], prefix: str
) -> bool:
    """Add the demo's information sharing if it has not been added. Returns whether it was."""
    if AuditEvent.objects.filter(actor_username="system:demo", object_type=MARKER).exists():
        return False
    w = _Writer(timezone.localdate())
    loader = _Loader(agencies, _Actors(username), w)
    picker = _Picker(_cases(area, prefix, w))
    scenarios = [
        (_children_safeguarding, picker.take(_community(POLICE, Category.REGISTERED_SEXUAL_OFFENDER))),
        (_onward_terms, picker.take(_community(POLICE, Category.REGISTERED_SEXUAL_OFFENDER))),
        (_housing, picker.take(_community(PROBATION))),
        (_health_special_category, picker.take(_community(PROBATION, Category.VIOLENT_OFFENDER))),
        (_hospital, picker.take(lambda c: c.lead == HEALTH)),
        (_youth_justice, picker.take(lambda c: c.youth)),
        (_jobcentre, picker.take(_community(PROBATION))),
        (_expiring, picker.take(_community(PROBATION))),
        (_revoked_housing, picker.take(_community(POLICE))),
        (_revoked_children, picker.take(_community(PROBATION))),
        (_superseded, picker.take(_community(PROBATION))),
        (_erased, picker.take(_community(POLICE))),
    ]
    requests_between_ra = [picker.take(_community(PROBATION)) for _ in range(3)]
    scenario_cases = {case.nominal.pk for _, case in scenarios} | {c.nominal.pk for c in requests_between_ra}
    others = [c for c in picker.fill(CASE_COUNT) if c.nominal.pk not in scenario_cases]

    for scenario, case in scenarios:
        scenario(loader, case)
    _requests_between_ra(loader, requests_between_ra)
    _routine_shares(loader, others)

    record_event(
        action=Action.COLLECTION,
        actor_username="system:demo",
        summary="Demo information sharing loaded",
        object_type=MARKER,
        object_id=area.pk,
        detail={**loader.counts, "nominals": len(picker.taken)},
    )
    return True


# --- the scenarios -----------------------------------------------------------------------------

_ALL_OF_IT = (DETAIL,)


def _children_safeguarding(loader: _Loader, case: _Case) -> None:
    """Police tell children's services about a new partner with children, names and addresses
    only (not her ethnicity or religion); children's services record their own work and share it
    back; children's services ask for police's other items, and police have yet to decide."""
    loader.case_notes(case, needs=frozenset({"relationships", "children", "intelligence"}))
    relationship = loader.held(case, POLICE, ItemKind.RELATIONSHIPS)
    offending = loader.held(case, POLICE, ItemKind.OFFENDING_HISTORY)
    w = loader.w
    loader.share(
        POLICE,
        [
            ItemSelection(relationship, ["person_name", "relationship", "address", "children"]),
            ItemSelection(offending, ["offence", "outcome", "victim_profile"]),
        ],
        CHILDREN,
        (
            f"{case.title} is a registered sex offender whose victim was a child, and is now in a "
            "relationship with a mother of two primary-age children. Children's services need to know to "
            "assess whether the children are at risk and to hold a strategy discussion.",
            "Only the partner's name, address and children, and the offence, sentence and victim profile, "
            "are shared. The partner's ethnicity and religion and the full case summary are left out "
            "because the assessment does not need them.",
            "The children live with the partner and the victim profile matches their ages, so the "
            "information bears directly on their safety.",
        ),
        purpose=AgreementPurpose.SAFEGUARDING_CHILDREN,
        purpose_detail="Section 47 enquiry and strategy discussion about the partner's children",
        gateway=Gateway.COMMON_LAW_POLICE,
    )
    partner = relationship.attributes["person_name"]
    own = loader.record(
        case,
        CHILDREN,
        ItemContent(
            kind=ItemKind.RELATIONSHIPS,
            summary="Partner's children subject to child protection plans",
            detail=(
                f"Strategy discussion held on {_day(w.ago(3, 10))} after the police referral. Both children "
                "became subject to child protection plans (category: sexual abuse, risk of) at the initial "
                f"conference. {partner.split()[0]} is engaging and has signed a written safety plan: "
                f"{case.title} does not stay overnight and has no unsupervised contact with the children. "
                "Core group meets every four weeks."
            ),
            attributes={
                "person_name": partner,
                "relationship": "Mother of the children; the nominal's partner",
                "children": relationship.attributes["children"],
            },
        ),
    )
    loader.share(
        CHILDREN,
        [ItemSelection(own, [DETAIL, "person_name", "relationship", "children"])],
        POLICE,
        (
            "The police manage the nominal in the community and need to know the safety plan to check "
            "it is kept during home visits and to act if it is broken.",
            "Only the outcome of the conference and the safety plan are shared, not the children's "
            "assessments or the family's wider history.",
            "The safety plan sets the limits on the nominal's contact with the children, which is what "
            "the police risk management plan must enforce.",
        ),
        purpose=AgreementPurpose.SAFEGUARDING_CHILDREN,
        purpose_detail="Enforcing the child protection safety plan alongside the MAPPA risk management plan",
    )
    loader.request(
        case,
        CHILDREN,
        POLICE,
        "The core group needs to know of any recent police intelligence about contact with children "
        "before the review conference, so that the safety plan is based on everything known.",
        purpose=AgreementPurpose.SAFEGUARDING_CHILDREN,
    )


def _onward_terms(loader: _Loader, case: _Case) -> None:
    """A share that children's services may pass on to youth justice (and do); a request to pass
    it to the health trust as well, which police refuse; and police waiting on children's services."""
    loader.case_notes(case, needs=frozenset({"relationships", "children", "intelligence"}))
    offending = loader.held(case, POLICE, ItemKind.OFFENDING_HISTORY)
    relationship = loader.held(case, POLICE, ItemKind.RELATIONSHIPS)
    w = loader.w
    share = loader.share(
        POLICE,
        [
            ItemSelection(offending, ["offence", "offence_date", "outcome", "victim_profile"]),
            ItemSelection(relationship, ["person_name", "relationship", "children"]),
        ],
        CHILDREN,
        (
            "The nominal now lives with a family whose eldest child is supervised by the youth justice "
            "service. Children's services lead the child in need plan and must know the risk to plan "
            "safely.",
            "The offence, its date, the sentence and the victim profile, and the names of the household, "
            "are enough for the plan. The case summary and intelligence are not shared.",
            "The children in the household fall within the victim profile of the index offence.",
        ),
        purpose=AgreementPurpose.SAFEGUARDING_CHILDREN,
        purpose_detail="Child in need plan for the children in the household",
        gateway=Gateway.COMMON_LAW_POLICE,
        onward_terms=OnwardTerms.NAMED_AGENCIES,
        onward=(YOUTH,),
    )
    # Children's services pass the offence on to youth justice, as the share allows.
    loader.share(
        CHILDREN,
        [ItemSelection(offending, ["offence", "victim_profile"])],
        YOUTH,
        (
            "The youth justice worker visits the household weekly and needs to know the risk the adult "
            "living there poses, to plan visits and to notice warning signs.",
            "Only the offence and the victim profile are passed on; police allowed this to youth justice "
            "by name.",
            "The youth justice worker is one of the professionals seeing the children at home each week.",
        ),
        purpose=AgreementPurpose.SAFEGUARDING_CHILDREN,
        purpose_detail="Planning home visits to a household where a child is supervised",
    )
    refused = loader.onward(
        share,
        [offending],
        CHILDREN,
        HEALTH,
        "The mother has been referred to the perinatal mental health team, who will visit at home. "
        "Children's services would like the team to know the risk the nominal poses to the children.",
    )
    services.onward_request_refuse(
        request=refused,
        reason=(
            "The perinatal team is invited to the MAPPA meeting next month, where police will share what "
            "the team needs directly and record it. Passing the conviction on before then is not "
            "necessary."
        ),
        by=loader.actor(POLICE),
    )
    loader.record(
        case,
        CHILDREN,
        ItemContent(
            kind=ItemKind.OTHER,
            summary="Child in need plan agreed for the household",
            detail=(
                f"Child in need plan agreed on {_day(w.ago(2, 12))}. The mother understands the risk and "
                "has agreed that the nominal is never left alone with the children. The school has been "
                "asked to tell children's services of any worries."
            ),
        ),
    )
    loader.request(
        case,
        POLICE,
        CHILDREN,
        "The MAPPA risk management plan relies on the household's safety arrangements. Police need to "
        "know what the child in need plan says so that home visits check it is followed.",
    )


def _housing(loader: _Loader, case: _Case) -> None:
    """Probation share the address, the tenancy and the licence with housing, minus the household;
    housing record their own item, ask police for theirs, and ask to pass the address to Jobcentre Plus."""
    loader.case_notes(case, needs=frozenset({"accommodation", "compliance"}))
    accommodation = loader.held(case, PROBATION, ItemKind.ACCOMMODATION)
    compliance = loader.held(case, PROBATION, ItemKind.COMPLIANCE)
    risk = loader.held(case, PROBATION, ItemKind.RISK_FACTOR)
    w = loader.w
    share = loader.share(
        PROBATION,
        [
            ItemSelection(accommodation, ["address", "accommodation_type", "from_date", "landlord"]),
            ItemSelection(compliance, ["requirement"]),
            ItemSelection(risk),
        ],
        HOUSING,
        (
            f"{case.title} has applied to the housing register. Housing solutions must know the licence "
            "restrictions and the current address to offer somewhere the risk can be managed.",
            "The address, tenancy details, the licence condition and the one-line risk summary are shared; "
            "the household, the full risk assessment and the compliance history are not.",
            "Where the nominal can safely live depends on the licence condition and the risk summary.",
        ),
    )
    loader.record(
        case,
        HOUSING,
        ItemContent(
            kind=ItemKind.ACCOMMODATION,
            summary="Housing register application accepted (band C)",
            detail=(
                f"Application accepted on {_day(w.ago(2, 20))}. The allocations team will not offer any "
                "property within sight of a school or play area, or on the same estate as the victim. An "
                "offer is likely within three to six months."
            ),
            attributes={
                "accommodation_type": "Housing register application",
                "landlord": "Durham County Council",
            },
        ),
    )
    loader.request(
        case,
        HOUSING,
        POLICE,
        "Before an offer is made we need to know whether there is any police information about the "
        "areas or estates the nominal must avoid, so that we do not place them near someone at risk.",
    )
    loader.onward(
        share,
        [accommodation],
        HOUSING,
        JOBCENTRE,
        "The nominal's universal credit housing costs claim is held up because Jobcentre Plus cannot "
        "confirm the address. Passing on the address and tenancy details would let the claim be paid.",
    )


def _health_special_category(loader: _Loader, case: _Case) -> None:
    """Probation share a risk factor that mentions a diagnosis with the health trust, saying why
    that is strictly necessary; the trust shares back its own item without the diagnosis; the
    trust asks police for theirs, and police decline."""
    loader.case_notes(case, needs=frozenset({"health"}))
    risk = loader.held(case, PROBATION, ItemKind.RISK_FACTOR)
    loader.share(
        PROBATION,
        [
            ItemSelection(
                risk,
                _ALL_OF_IT,
                strictly_necessary=(
                    "The community mental health team cannot judge whether a missed depot appointment is "
                    "an early warning of violence without knowing that the past violence followed stopping "
                    "medication. The trust already knows the diagnosis; what is new is its link to risk."
                ),
            )
        ],
        HEALTH,
        (
            "The nominal is under the community mental health team. The team and probation need a joint "
            "plan for what to do when the nominal stops taking medication.",
            "Only the risk factor linking mental state to violence is shared, not the offending history, "
            "intelligence or the victim's details.",
            "The early warning signs are things the mental health team is best placed to see.",
        ),
    )
    own = loader.record(
        case,
        HEALTH,
        ItemContent(
            kind=ItemKind.HEALTH,
            summary="Under the community mental health team; depot every two weeks",
            detail=(
                "Seen by the care co-ordinator every two weeks when the depot injection is given. Engaging "
                "well since discharge from hospital. Relapse plan agreed with the nominal and the GP."
            ),
            attributes={
                "condition": "Paranoid schizophrenia",
                "treatment": "Depot antipsychotic injection every two weeks",
                "provider": f"Community mental health team, {case.town} (TEWV)",
                "risk_relevance": (
                    "Missed depot appointments are the first sign of relapse. The care co-ordinator will "
                    "tell the offender manager on the same day if an injection is missed."
                ),
            },
            special_categories=[SpecialCategory.HEALTH],
        ),
    )
    loader.share(
        HEALTH,
        [ItemSelection(own, ["provider", "risk_relevance"])],
        PROBATION,
        (
            "Probation need to know who provides the nominal's mental health care and how the trust will "
            "warn them of a relapse, to plan the joint response.",
            "Only the provider and what matters for risk are shared. The diagnosis, medication and "
            "clinical notes are left out: probation do not need them to act on a warning.",
            "The relapse warning is the agreed trigger in the risk management plan.",
        ),
    )
    declined = loader.request(
        case,
        HEALTH,
        POLICE,
        "The care co-ordinator visits the nominal at home alone. We would like any police information "
        "about risk to visiting staff so we can decide whether to visit in pairs.",
    )
    services.access_request_decline(
        request=declined,
        reason=(
            "Police hold nothing about risk to visiting professionals. The offending history concerns a "
            "known adult and has been summarised for you by probation; sharing the full record would not "
            "add to your lone working decision."
        ),
        by=loader.actor(POLICE),
    )


def _hospital(loader: _Loader, case: _Case) -> None:
    """A hospital patient: police share the offence with the health trust that leads the case; the
    trust then records a health item and shares the diagnosis with police, strictly necessary."""
    loader.case_notes(case)
    offending = loader.held(case, POLICE, ItemKind.OFFENDING_HISTORY)
    w = loader.w
    loader.share(
        POLICE,
        [ItemSelection(offending, [DETAIL, "offence", "offence_date", "outcome", "victim_profile"])],
        HEALTH,
        (
            "The patient is detained in hospital under a restriction order and the trust leads the MAPPA "
            "case. The clinical team need the full offence history for leave and discharge planning.",
            "The offending history only; no intelligence or third-party details are shared.",
            "Leave and discharge decisions turn on the circumstances of the offence and who the victim was.",
        ),
    )
    own = loader.record(
        case,
        HEALTH,
        ItemContent(
            kind=ItemKind.HEALTH,
            summary="Escorted community leave planned from next month",
            detail=(
                "Mental state stable on current treatment for six months. The responsible clinician plans to "
                f"apply for escorted community leave from {_day(w.ahead(20, 40))}, first for an hour, two "
                "staff escorting. Leave will not be taken in the area where the victim lives."
            ),
            attributes={
                "condition": "Paranoid schizophrenia with co-occurring cannabis use",
                "treatment": "Clozapine; psychological therapy weekly",
                "provider": "Secure inpatient service (TEWV)",
                "risk_relevance": (
                    "Relapse has followed cannabis use every time. If the patient goes missing on leave, "
                    "police should treat it as high risk."
                ),
            },
            special_categories=[SpecialCategory.HEALTH],
        ),
    )
    loader.share(
        HEALTH,
        [
            ItemSelection(
                own,
                [DETAIL, "condition", "provider", "risk_relevance"],
                strictly_necessary=(
                    "If the patient goes missing on leave, officers must know the diagnosis and that relapse "
                    "follows cannabis use to judge the risk and approach the patient safely. Without it they "
                    "would grade the missing person report as low risk."
                ),
            )
        ],
        POLICE,
        (
            "Police must plan their response if the patient goes missing on escorted leave, which starts "
            "next month.",
            "The diagnosis, leave plan and relevance to risk are shared; the medication and therapy notes "
            "are not.",
            "A missing patient report would be graded on exactly this information.",
        ),
    )


def _youth_justice(loader: _Loader, case: _Case) -> None:
    """Police share the offence with youth justice, who lead; youth justice ask for the intelligence
    as well, and police grant the request by sharing it."""
    loader.case_notes(case, needs=frozenset({"intelligence"}))
    offending = loader.held(case, POLICE, ItemKind.OFFENDING_HISTORY)
    loader.share(
        POLICE,
        [ItemSelection(offending, [DETAIL, "offence", "offence_date", "court", "outcome", "victim_profile"])],
        YOUTH,
        (
            "Youth justice lead this young person's MAPPA case and supervise the order. They need the full "
            "offence history to complete the AssetPlus assessment.",
            "The offending history is shared in full because the assessment needs it; intelligence is not.",
            "The order and the assessment are both about this offence.",
        ),
    )
    request = loader.request(
        case,
        YOUTH,
        POLICE,
        "The home visits are weekly and the case worker needs to know of any current concerns about "
        "the young person's associates, to plan visits and safety.",
    )
    intelligence = loader.held(case, POLICE, ItemKind.INTELLIGENCE)
    loader.share(
        POLICE,
        [ItemSelection(intelligence, _ALL_OF_IT)],
        YOUTH,
        (
            "Youth justice asked for current intelligence to keep the case worker safe on home visits and "
            "to manage the risk the young person poses.",
            "One intelligence item, graded for lawful sharing, is shared; nothing about other people's "
            "sources.",
            "The intelligence concerns the young person's current behaviour, which the case worker sees "
            "every week.",
        ),
        access_request=request,
    )


def _jobcentre(loader: _Loader, case: _Case) -> None:
    """Probation share the job, minus its address and the notes, with Jobcentre Plus; Jobcentre Plus
    ask for more, and probation decline."""
    loader.case_notes(case, needs=frozenset({"employment"}))
    job = loader.held(case, PROBATION, ItemKind.EMPLOYMENT_EDUCATION)
    loader.share(
        PROBATION,
        [ItemSelection(job, ["employer", "role", "hours", "contact_with_children"])],
        JOBCENTRE,
        (
            "The work coach must not direct the nominal to work with children or adults at risk, and "
            "needs to know the current job to close the work search requirement.",
            "The employer, role, hours and contact with children are shared, not the workplace address "
            "or the case notes.",
            "Restrictions on work are what the work coach must apply.",
        ),
    )
    declined = loader.request(
        case,
        JOBCENTRE,
        PROBATION,
        "The work coach would like the full risk assessment to decide which further training courses "
        "are suitable if the current job ends.",
    )
    services.access_request_decline(
        request=declined,
        reason=(
            "The full risk assessment includes details of the victim and is not needed to choose courses. "
            "The restrictions on work have been shared; ask the offender manager about any particular "
            "course."
        ),
        by=loader.actor(PROBATION),
    )


def _expiring(loader: _Loader, case: _Case) -> None:
    """A share for a child protection conference, ending soon after it."""
    loader.case_notes(case, needs=frozenset({"relationships", "children"}))
    relationship = loader.held(case, PROBATION, ItemKind.RELATIONSHIPS)
    risk = loader.held(case, PROBATION, ItemKind.RISK_FACTOR)
    conference = loader.w.ahead(5, 9)
    loader.share(
        PROBATION,
        [
            ItemSelection(relationship, ["person_name", "relationship", "children"]),
            ItemSelection(risk, _ALL_OF_IT),
        ],
        CHILDREN,
        (
            f"A child protection conference about the partner's children is on {_day(conference)}. The "
            "conference must know the risk the nominal poses to make its decision.",
            "The partner's name and children and the risk assessment are shared for the conference only, "
            "and the share ends a week after it.",
            "The conference decides the children's protection plan, which depends on this risk.",
        ),
        purpose=AgreementPurpose.SAFEGUARDING_CHILDREN,
        purpose_detail="Initial child protection conference about the partner's children",
        expires_on=conference + timedelta(days=7),
    )


def _revoked_housing(loader: _Loader, case: _Case) -> None:
    loader.case_notes(case)
    offending = loader.held(case, POLICE, ItemKind.OFFENDING_HISTORY)
    share = loader.share(
        POLICE,
        [ItemSelection(offending, ["offence", "victim_profile"])],
        HOUSING,
        (
            "Housing solutions were finding the nominal temporary accommodation and needed to avoid "
            "placing them near families with children.",
            "Only the offence and the victim profile are shared.",
            "The victim profile decides which temporary placements are safe.",
        ),
    )
    services.share_revoke(
        share=share,
        reason=(
            "The nominal has moved to a private tenancy outside County Durham. Housing solutions have "
            "closed their case and no longer need this information."
        ),
        by=loader.actor(POLICE),
    )


def _revoked_children(loader: _Loader, case: _Case) -> None:
    loader.case_notes(case)
    risk = loader.held(case, PROBATION, ItemKind.RISK_FACTOR)
    share = loader.share(
        PROBATION,
        [ItemSelection(risk)],
        CHILDREN,
        (
            "A referral said a child was living at the nominal's address; children's services needed "
            "the risk summary to decide whether to visit.",
            "Only the one-line risk summary is shared, not the assessment.",
            "The summary says who is at risk, which decides whether a visit is needed.",
        ),
        purpose=AgreementPurpose.SAFEGUARDING_CHILDREN,
        purpose_detail="Screening a referral about a child said to live at the address",
    )
    services.share_revoke(
        share=share,
        reason=(
            "Shared in error: the child named in the referral lives at a different address with a "
            "similar name. Children's services have confirmed they have deleted their copy."
        ),
        by=loader.actor(PROBATION),
    )


def _superseded(loader: _Loader, case: _Case) -> None:
    """The old address, replaced when the nominal moved on from approved premises."""
    loader.case_notes(case, needs=frozenset({"approved_premises"}))
    old = loader.held(case, PROBATION, ItemKind.ACCOMMODATION)
    services.item_supersede(
        item=old,
        version=old.version,
        content=_accommodation(case, loader.w, kind="tenancy"),
        reason="Moved to a new address approved by the offender manager; the old address no longer applies.",
        by=loader.actor(PROBATION),
    )
    loader.counts["items"] += 1


def _erased(loader: _Loader, case: _Case) -> None:
    """Intelligence recorded against the wrong nominal, erased."""
    loader.case_notes(case)
    wrong = loader.record(
        case,
        POLICE,
        ItemContent(
            kind=ItemKind.INTELLIGENCE,
            summary="Seen waiting outside a primary school at home time",
            detail=(
                "A parent reported a man matching the nominal's description waiting outside a primary "
                "school at home time on two days last week, watching the children leave."
            ),
            source_evaluation="2",
            intelligence_assessment="C",
            handling_code="P",
        ),
    )
    services.item_erase(
        item=wrong,
        version=wrong.version,
        reason=(
            "Recorded against the wrong nominal: the sighting was of a different person with a similar name. "
            "Erased on the advice of the force information management unit."
        ),
        by=loader.actor(POLICE),
    )


def _requests_between_ra(loader: _Loader, cases: list[_Case]) -> None:
    """Probation waiting on police twice, and police waiting on probation once."""
    for case in cases:
        loader.case_notes(case, needs=frozenset({"accommodation"}))
    for case in cases[:2]:
        loader.request(
            case,
            PROBATION,
            POLICE,
            "The offender manager is reviewing the risk management plan before the licence review and "
            "needs any police information held since release.",
        )
    loader.request(
        cases[2],
        POLICE,
        PROBATION,
        "The neighbourhood team have had calls about the address. Police need to know the approved "
        "address conditions to respond correctly.",
    )


def _routine_shares(loader: _Loader, cases: list[_Case]) -> None:
    """Every other case: its notes, and on most of them police and probation sharing with each other."""
    for case in cases:
        loader.case_notes(case)
        if case.lead != PROBATION or not loader.w.chance(0.6):
            continue
        offending = loader.held(case, POLICE, ItemKind.OFFENDING_HISTORY)
        loader.share(
            POLICE,
            [
                ItemSelection(
                    offending, [DETAIL, "offence", "offence_date", "court", "outcome", "victim_profile"]
                )
            ],
            PROBATION,
            (
                "Probation manage the nominal on licence and need the full offending history for the risk "
                "assessment and sentence plan.",
                "The offending history only; intelligence is shared separately when it bears on the risk.",
                "The risk assessment starts from the index offence and previous convictions.",
            ),
        )
        risk = loader.held(case, PROBATION, ItemKind.RISK_FACTOR)
        loader.share(
            PROBATION,
            [ItemSelection(risk, _ALL_OF_IT)],
            POLICE,
            (
                "Police share the management of the nominal and need the current risk assessment for "
                "their own visits and intelligence work.",
                "The risk factor only, not the sentence plan or the supervision notes.",
                "Police visits and intelligence checks are planned against this risk.",
            ),
        )
