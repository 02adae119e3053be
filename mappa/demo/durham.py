"""The synthetic Durham demonstration area (DESIGN.md §10).

Real organisation names, invented people: every person's name comes from Faker's en_GB
provider with a fixed seed, so the same names appear on every machine and none is a real
individual's record. Loading is idempotent: running it again changes nothing. The information
items, shares and requests on some forty of the nominals are in information.py.
"""

from dataclasses import dataclass
from datetime import date, timedelta

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
    if _load_nominals(area, agencies):
        created_any = True
    # Imported here: information.py and meetings.py act as the demo users this module creates.
    from mappa.demo import information

    if information.load(area=area, agencies=agencies, username=_username, prefix=NOMINAL_REF_PREFIX):
        created_any = True
    from mappa.demo import meetings

    if meetings.load(area=area, agencies=agencies, username=_username, prefix=NOMINAL_REF_PREFIX):
        created_any = True
    from mappa.demo import risk

    if risk.load(area=area, agencies=agencies, username=_username, prefix=NOMINAL_REF_PREFIX):
        created_any = True
    from mappa.demo import disclosures

    if disclosures.load(area=area, agencies=agencies, username=_username, prefix=NOMINAL_REF_PREFIX):
        created_any = True
    from mappa.demo import schemes

    if schemes.load(area=area, agencies=agencies, username=_username, prefix=NOMINAL_REF_PREFIX):
        created_any = True
    from mappa.demo import subject_access

    if subject_access.load(area=area, agencies=agencies, username=_username, prefix=NOMINAL_REF_PREFIX):
        created_any = True
    return created_any


# The nominal register: DESIGN.md §10 proportions over a few hundred synthetic nominals.
NOMINAL_COUNT = 300
NOMINAL_REF_PREFIX = "DEMO-N"
# (category, level): 225 category 1, 72 category 2, 3 category 3 (never at level 1); levels
# 1 ≈ 97 %, 2 ≈ 2.7 %, 3 ≈ 0.7 % (two level 3 cases, so the demo shows one).
NOMINAL_MIX: list[tuple[int, int, int]] = [
    (1, 1, 219),
    (1, 2, 5),
    (1, 3, 1),
    (2, 1, 71),
    (2, 2, 1),
    (3, 2, 2),
    (3, 3, 1),
]


def _load_nominals(area: MappaArea, agencies: dict[str, Agency]) -> bool:
    """A few hundred synthetic nominals with their person records, aliases and histories.

    Written in bulk, straight to the models (a bulk insert never calls save(), so the
    ServiceWrittenModel guard does not apply): the services would audit each of them one by one
    and make `mappa demo` slow. One audit event records the load.
    """
    # Imported here: demo sits above every app, and nominals above people.
    from random import Random

    from django.conf import settings

    from mappa.nominals.models import (
        Category,
        ChangedField,
        ChangeReason,
        Level,
        Nominal,
        NominalStatusChange,
        Status,
    )
    from mappa.people.models import Gender, NameKind, Person, PersonDateOfBirth, PersonName
    from mappa.people.services import AddressData, NameData, address_row, name_row

    if Person.objects.filter(source_ref=f"{NOMINAL_REF_PREFIX}0001").exists():
        return False
    rng = Random(2026)  # noqa: S311 - synthetic demo data, not security
    fake = Faker("en_GB")
    fake.seed_instance(3003)
    today = _today()
    recorder = User.objects.get(username=_username("DURHAM-POLICE", "mappa_coordinator"))
    managers = {
        membership.agency_id: membership.user
        for membership in AgencyMembership.objects.filter(agency__in=agencies.values()).select_related("user")
        if membership.roles == ["practitioner"]
    }
    specs = [(category, level) for category, level, count in NOMINAL_MIX for _ in range(count)]
    rng.shuffle(specs)
    police, probation = agencies["DURHAM-POLICE"], agencies["PS-NORTH-EAST"]
    prisons = [agencies["HMP-DURHAM"], agencies["HMP-FRANKLAND"]]

    persons, names, dobs, addresses, nominals = [], [], [], [], []
    for index, (category, level) in enumerate(specs, start=1):
        roll = rng.random()
        status = (
            Status.IN_COMMUNITY if roll < 0.7 else Status.IN_CUSTODY if roll < 0.95 else Status.IN_HOSPITAL
        )
        if status == Status.IN_HOSPITAL:
            lead = agencies["TEWV-NHS"]
        elif status == Status.IN_CUSTODY:
            lead = rng.choice(prisons) if rng.random() < 0.3 else probation
        elif category == Category.REGISTERED_SEXUAL_OFFENDER:
            lead = police if rng.random() < 0.6 else probation
        else:
            lead = agencies["CD-YJS"] if rng.random() < 0.04 else probation
        male = rng.random() < 0.95
        person = Person(
            source_agency=lead,
            source_ref=f"{NOMINAL_REF_PREFIX}{index:04d}",
            gender=Gender.MALE if male else Gender.FEMALE,
        )
        forenames = fake.first_name_male() if male else fake.first_name_female()
        sentenced = today - timedelta(days=rng.randint(200, 5000))
        released = None if status == Status.IN_CUSTODY else sentenced + timedelta(days=rng.randint(90, 1500))
        if released is not None and released > today:
            released = today - timedelta(days=rng.randint(1, 60))
        started = released or sentenced
        weeks = settings.MAPPA_REVIEW_WEEKS.get(level)
        # Most reviews ahead, a few overdue, so the register's filters have something to show.
        review = started + timedelta(weeks=weeks) if weeks else None
        while review is not None and review < today - timedelta(days=rng.choice([0, 0, 0, 0, 0, 0, 0, 20])):
            review += timedelta(weeks=weeks or 52)
        persons.append(person)
        surname = fake.last_name()
        names.append((index, NameData(surname=surname, forenames=forenames)))
        if rng.random() < 0.25:
            names.append(
                (index, NameData(surname=fake.last_name(), forenames=forenames, kind=NameKind.ALIAS))
            )
        if rng.random() < 0.05:
            names.append(
                (index, NameData(surname=surname, forenames=fake.first_name(), kind=NameKind.NICKNAME))
            )
        born = fake.date_of_birth(minimum_age=19 if lead.code != "CD-YJS" else 15, maximum_age=75)
        dobs.append((index, born))
        addresses.append(
            (index, AddressData(postcode=fake.postcode(), line1=fake.street_address(), town="Durham"))
        )
        nominals.append(
            Nominal(
                area=area,
                category=category,
                level=level,
                lead_agency=lead,
                case_manager=managers.get(lead.pk) if rng.random() < 0.8 else None,
                status=status,
                sentence_date=sentenced,
                release_date=released,
                licence_end_date=released + timedelta(days=rng.randint(180, 2000)) if released else None,
                notification_end_date=(
                    sentenced + timedelta(days=365 * rng.choice([5, 7, 10, 15]))
                    if category == Category.REGISTERED_SEXUAL_OFFENDER
                    else None
                ),
                index_offence="Synthetic index offence for demonstration",
                cppc=level == Level.LEVEL_3,
                next_review_date=review,
            )
        )
    Person.objects.bulk_create(persons)
    by_index = {index: person for index, person in enumerate(persons, start=1)}
    PersonName.objects.bulk_create(name_row(by_index[index], data) for index, data in names)
    PersonDateOfBirth.objects.bulk_create(
        PersonDateOfBirth(person=by_index[i], year=d.year, month=d.month, day=d.day) for i, d in dobs
    )
    from mappa.people.models import PersonAddress

    PersonAddress.objects.bulk_create(address_row(by_index[i], data) for i, data in addresses)
    for person, nominal in zip(persons, nominals, strict=True):
        nominal.person = person
    Nominal.objects.bulk_create(nominals)

    changes = []
    for nominal in nominals:
        started = nominal.release_date or nominal.sentence_date or today
        initial = (
            (ChangedField.CATEGORY, nominal.category, Category(nominal.category).label),
            (
                ChangedField.LEVEL,
                1 if nominal.category != 3 else 2,
                Level(1 if nominal.category != 3 else 2).label,
            ),
            (ChangedField.LEAD_AGENCY, nominal.lead_agency.pk, nominal.lead_agency.name),
            (ChangedField.STATUS, nominal.status, Status(nominal.status).label),
            (ChangedField.AREA, area.pk, area.name),
        )
        for field, value, label in initial:
            changes.append(
                NominalStatusChange(
                    nominal=nominal,
                    field=field,
                    to_value=str(value),
                    to_label=str(label),
                    reason=ChangeReason.IDENTIFIED,
                    effective_date=nominal.sentence_date or today,
                    changed_by=recorder,
                )
            )
        if nominal.level > (1 if nominal.category != 3 else 2):
            before = 1 if nominal.category != 3 else 2
            changes.append(
                NominalStatusChange(
                    nominal=nominal,
                    field=ChangedField.LEVEL,
                    from_value=str(before),
                    from_label=str(Level(before).label),
                    to_value=str(nominal.level),
                    to_label=str(Level(nominal.level).label),
                    reason=ChangeReason.RISK_INCREASED
                    if nominal.level == 2
                    else ChangeReason.SENIOR_OVERSIGHT,
                    reason_detail="Agreed at screening by the MAPPA co-ordinator (synthetic demonstration)",
                    effective_date=min(started + timedelta(days=30), today),
                    changed_by=recorder,
                )
            )
    NominalStatusChange.objects.bulk_create(changes)
    record_event(
        action=Action.COLLECTION,
        actor_username="system:demo",
        summary="Demo nominal register loaded",
        object_type="nominal_register",
        object_id=area.pk,
        detail={"nominals": len(nominals)},
    )
    return True


def _today() -> date:
    from django.utils import timezone

    return timezone.localdate()


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
