"""The synthetic Durham demonstration area (DESIGN.md §10).

Real organisation names, invented people: every person's name comes from Faker's en_GB
provider with a fixed seed, so the same names appear on every machine and none is a real
individual's record. Loading is idempotent: running it again changes nothing.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.hashers import make_password
from django.db import transaction
from faker import Faker

from mappa.accounts.models import AgencyMembership, User
from mappa.agencies.models import (
    Agency,
    AgencyKind,
    AgreementPurpose,
    AgreementStatus,
    DataCategory,
    InformationSharingAgreement,
    LawfulBasis,
    MappaArea,
)
from mappa.audit.models import Action
from mappa.audit.services import record_event
from mappa.authorization.roles import ROLES

DEMO_PASSWORD = "mappa-demo-password"  # noqa: S105 - the published demo password, synthetic data only
AREA = ("County Durham and Darlington", "durham")
AGENCIES: list[tuple[str, str, AgencyKind]] = [
    ("DURHAM-POLICE", "Durham Constabulary", AgencyKind.POLICE),
    ("PS-NORTH-EAST", "The Probation Service North East", AgencyKind.PROBATION),
    ("HMP-DURHAM", "HMP Durham", AgencyKind.PRISON),
    ("HMP-FRANKLAND", "HMP Frankland", AgencyKind.PRISON),
    ("DCC-CHILDREN", "Durham County Council Children's Services", AgencyKind.CHILDRENS_SERVICES),
    ("DCC-HOUSING", "Durham County Council Housing Solutions", AgencyKind.HOUSING_AUTHORITY),
    ("TEWV-NHS", "Tees, Esk and Wear Valleys NHS Foundation Trust", AgencyKind.HEALTH),
    ("CD-YJS", "County Durham Youth Justice Service", AgencyKind.YOUTH_JUSTICE),
    ("JCP-DURHAM", "Jobcentre Plus (County Durham)", AgencyKind.JOBCENTRE_PLUS),
    ("DURHAM-SMB", "County Durham and Darlington MAPPA Strategic Management Board", AgencyKind.ASSOCIATE),
]
AGREEMENT_REFERENCE = "DURHAM-MAPPA-ISA-2026"
# Someone who works for two agencies, to show choosing the acting agency at sign-in.
MULTI_AGENCY_USERNAME = "demo.multi-agency"
MULTI_AGENCY_CODES = ("DURHAM-POLICE", "DCC-CHILDREN")


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    agency: str
    agency_code: str
    agency_kind: str
    roles: list[str]


def _username(agency_code: str, role: str) -> str:
    return f"{agency_code.lower()}.{role.replace('_', '-')}"


@transaction.atomic
def load() -> bool:
    """Create the demo area if it is not there. Returns whether anything was created."""
    created_any = False
    area = MappaArea.objects.filter(code=AREA[1]).first()
    if area is None:
        area = MappaArea(code=AREA[1], name=AREA[0])
        area.save(override=True)
        created_any = True
    agencies: dict[str, Agency] = {}
    for code, name, kind in AGENCIES:
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            agency = Agency(code=code, name=name, kind=kind)
            agency.save(override=True)
            agency.areas.add(area)
            created_any = True
            record_event(
                action=Action.COLLECTION,
                actor_username="system:demo",
                summary=f"Demo agency {code} created",
                object_type="agency",
                object_id=agency.pk,
                object_agency_id=agency.pk,
            )
        agencies[code] = agency

    if not InformationSharingAgreement.objects.filter(reference=AGREEMENT_REFERENCE).exists():
        agreement = InformationSharingAgreement(
            area=area,
            title="County Durham and Darlington MAPPA information sharing agreement",
            reference=AGREEMENT_REFERENCE,
            purposes=[
                AgreementPurpose.MAPPA,
                AgreementPurpose.SAFEGUARDING_CHILDREN,
                AgreementPurpose.SAFEGUARDING_ADULTS,
                AgreementPurpose.CRIME_PREVENTION,
            ],
            lawful_bases=[
                LawfulBasis.CJA_2003_S325,
                LawfulBasis.CDA_1998_S115,
                LawfulBasis.OMA_2007_S14,
                LawfulBasis.COMMON_LAW_POLICE,
                LawfulBasis.DPA_2018_PART_3,
            ],
            data_categories=list(DataCategory.values),
            start_date=date(2026, 4, 1),
            review_date=date(2027, 3, 31),
            status=AgreementStatus.ACTIVE,
            notes="Synthetic demonstration agreement. Reviewed annually by the Strategic Management Board.",
        )
        agreement.save(override=True)
        agreement.parties.set(agencies.values())
        created_any = True
        record_event(
            action=Action.COLLECTION,
            actor_username="system:demo",
            summary="Demo information sharing agreement created",
            object_type="agreement",
            object_id=agreement.pk,
        )

    # One password hash for every demo account: hashing ~70 times with argon2 would make the
    # first `make run` needlessly slow, and these accounts are synthetic.
    password_hash = make_password(DEMO_PASSWORD)
    fake = Faker("en_GB")
    fake.seed_instance(2026)
    for user_spec in demo_users():
        first, last = fake.first_name(), fake.last_name()
        if User.objects.filter(username=user_spec.username).exists():
            continue
        user = User(
            username=user_spec.username,
            first_name=first,
            last_name=last,
            email=f"{user_spec.username}@example.invalid",
            password=password_hash,
        )
        user.save()
        created_any = True
        codes = (
            MULTI_AGENCY_CODES if user_spec.username == MULTI_AGENCY_USERNAME else (user_spec.agency_code,)
        )
        for code in codes:
            membership = AgencyMembership(user=user, agency=agencies[code], roles=user_spec.roles)
            membership.save(override=True)
            record_event(
                action=Action.PERMISSION_CHANGE,
                actor_username="system:demo",
                summary="Demo user created",
                object_type="membership",
                object_id=membership.pk,
                object_agency_id=agencies[code].pk,
                detail={"roles": user_spec.roles},
            )
    return created_any


def demo_users() -> list[DemoUser]:
    """One user per role per agency (where the role may be held there), plus a two-agency user."""
    users = []
    for code, name, kind in AGENCIES:
        for role in ROLES.values():
            if role.allowed_in(kind):
                users.append(
                    DemoUser(_username(code, role.code), DEMO_PASSWORD, name, code, str(kind), [role.code])
                )
    code, name, kind = AGENCIES[0]
    users.append(DemoUser(MULTI_AGENCY_USERNAME, DEMO_PASSWORD, name, code, str(kind), ["practitioner"]))
    return users
