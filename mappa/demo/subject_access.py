"""Synthetic subject access requests for the Durham demo (issue 8), one in each state.

Everything is written through the subject_access services acting as the demo users, so every rule
is checked and every audit event written as in real use: each agency's SAR officer
(`<agency>.sar-officer`) records, verifies, searches, confirms and routes the requests its agency
received, and decides, bundles and answers the parts routed to it; Durham Constabulary's meeting
chair gives their view on the contributions to minutes. Requests received by Durham
Constabulary, the Probation Service and Durham County Council Children's Services:

1. Just received by children's services from a mother for her son, identity not yet verified
   (a provisional deadline).
2. Probation: identity verified, clarification asked for and still awaited (deadline paused).
3. Police: identity verified, the subject's records found and confirmed, not yet routed.
4. Police, from a solicitor: routed for the second case of the level 2 meeting held two weeks
   ago (meetings.py), whose information, contributions to minutes, disclosure records and
   scheme application are owned by three agencies. The chair has given a view on two entries and
   not on children's services' one; police have released, redacted and withheld some items and
   not yet decided others; probation has answered, its bundle built at once.
5. Probation: routed and extended by two months by a notice with reasons; the health trust has
   withheld an item under the serious harm test.
6. Probation: received forty days ago, identity verified on receipt, routed and now late; the
   prison has answered (late), the others have not.
7. Children's services: closed, every part answered (bundles built, each answer an s.62
   disclosure to the subject), for the meeting's first case.
8. Police: closed "nothing held": the subject is in no agency's records, so the search found
   nothing to confirm or route.
9. Children's services: withdrawn, with the requester's reason.

Subjects who must have records are demo nominals and person records found by querying the demo
data; the others are invented by Faker (en_GB, fixed seed), with invented streets and "DH99"
postcodes as in information.py. The services accept past dates for receipt, identity
verification, clarification and notices; routing, answers and closing are stamped with the time
of the load. One audit event, by `system:demo`, marks the load: a database that has it is left
alone.
"""

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from random import Random
from typing import Any

from django.db.models import Count
from django.utils import timezone
from faker import Faker

from mappa.accounts.models import User
from mappa.agencies.models import Agency, AgencyKind, MappaArea
from mappa.audit.models import Action as AuditAction
from mappa.audit.models import AuditEvent
from mappa.audit.services import record_event
from mappa.demo.meetings import CHILDREN, POLICE, PROBATION, _Actors
from mappa.disclosures.models import Disclosure
from mappa.information_sharing.models import InformationItem, ItemStatus
from mappa.meetings.models import Meeting, MeetingStatus
from mappa.people.models import Person
from mappa.subject_access import services_parts as parts_services
from mappa.subject_access import services_requests as requests_services
from mappa.subject_access import services_routing as routing
from mappa.subject_access.models import (
    ChairConsultation,
    ConsultationStatus,
    Exemption,
    ItemDecision,
    ItemKind,
    PartItem,
    Regime,
    RequestPart,
    SubjectAccessRequest,
)

MARKER = "demo_subject_access"
OFFICER = "sar_officer"
SEED = 8008
STREETS = ("Fellside Terrace", "Colliery Row", "Wearview Close", "Hawthorn Crescent", "Beckside Walk")
TOWNS = ("Durham", "Chester-le-Street", "Stanley", "Spennymoor", "Seaham")
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters Royal Mail allows in an inward code

SCOPE_ALL = "Everything held about me by any agency in connection with MAPPA."
# Words in the meetings demo's contributions to minutes that are about other people: the owner
# redacts them, as an officer would, and releases the rest of the entry.
THIRD_PARTY_WORDS = ("a new partner with two children lives there", "The children are known to the service")
CHAIR_VIEW = (
    "No objection to release: the entry is what the agency told the meeting. The details of the "
    "partner and her children are theirs, not his, and should not go."
)


def load(
    *, area: MappaArea, agencies: dict[str, Agency], username: Callable[[str, str], str], prefix: str
) -> bool:
    """Add the demo's subject access requests if they have not been added. Returns whether they were."""
    if AuditEvent.objects.filter(actor_username="system:demo", object_type=MARKER).exists():
        return False
    held = Meeting.objects.filter(area=area, status=MeetingStatus.HELD).order_by("-starts_at").first()
    if held is None:
        return False
    cases = [
        item.nominal.person
        for item in held.agenda_items.select_related("nominal__person").order_by("position")
    ]
    others = _multi_agency_subjects(area, prefix, exclude={person.pk for person in cases})
    if len(cases) < 2 or len(others) < 3:
        return False
    actor = _Actors(username)
    invent = _Invented()
    today = timezone.localdate()

    _just_received(actor, invent, today)
    _awaiting_clarification(actor, invent, today)
    late, others = _pick(others, lambda kinds: AgencyKind.PRISON in kinds)
    extended, others = _pick(
        others,
        lambda kinds: AgencyKind.HEALTH in kinds,
        lambda kinds: bool(kinds - routing.LAW_ENFORCEMENT_KINDS),
    )
    confirmed, others = _pick(others)
    _confirmed_not_routed(actor, confirmed, today)
    _routed(actor, cases[1], today)
    _extended(actor, extended, today)
    _late(actor, late, today)
    _closed(actor, cases[0], today)
    _nothing_held(actor, invent, today)
    _withdrawn(actor, invent, today)

    record_event(
        action=AuditAction.COLLECTION,
        actor_username="system:demo",
        summary="Demo subject access requests loaded",
        object_type=MARKER,
        object_id=area.pk,
        detail={"requests": SubjectAccessRequest.objects.count()},
    )
    return True


# --- the subjects -------------------------------------------------------------------------------


class _Invented:
    """People who write in: invented, the same on every load."""

    def __init__(self) -> None:
        self.fake = Faker("en_GB")
        self.fake.seed_instance(SEED)
        self.rng = Random(SEED)  # noqa: S311 - synthetic demo data, not security

    def man(self) -> tuple[str, str]:
        return self.fake.first_name_male(), self.fake.last_name()

    def woman(self) -> tuple[str, str]:
        return self.fake.first_name_female(), self.fake.last_name()

    def born(self, low: int, high: int) -> date:
        return self.fake.date_of_birth(minimum_age=low, maximum_age=high)

    def address(self) -> tuple[str, str, str]:
        """(line 1, town, postcode): an invented street and a non-geographic DH99 postcode."""
        inward = (
            f"{self.rng.randint(1, 9)}{self.rng.choice(_INWARD_LETTERS)}{self.rng.choice(_INWARD_LETTERS)}"
        )
        line1 = f"{self.rng.randint(1, 98)} {self.rng.choice(STREETS)}"
        return line1, self.rng.choice(TOWNS), f"DH99 {inward}"

    def postal(self) -> tuple[str, str]:
        line1, town, postcode = self.address()
        return f"{line1}\n{town}\nCounty Durham", postcode


def _multi_agency_subjects(
    area: MappaArea, prefix: str, *, exclude: set[int]
) -> list[tuple[Person, set[str]]]:
    """Demo nominals' persons with information items owned by three or more agencies (fewer if
    there are not enough), with the kinds of those agencies, in reference order."""
    items = InformationItem.objects.filter(
        nominal__area=area,
        nominal__person__source_ref__startswith=prefix,
        status__in=[ItemStatus.ACTIVE, ItemStatus.SUPERSEDED],
    ).exclude(nominal__person_id__in=exclude)
    for owners in (3, 2):
        ids = list(
            items.values("nominal__person_id")
            .annotate(owners=Count("owner_agency", distinct=True))
            .filter(owners__gte=owners)
            .values_list("nominal__person_id", flat=True)
        )
        if len(ids) >= 3:
            break
    kinds: dict[int, set[str]] = {}
    for person_id, kind in items.filter(nominal__person_id__in=ids).values_list(
        "nominal__person_id", "owner_agency__kind"
    ):
        kinds.setdefault(person_id, set()).add(kind)
    persons = Person.objects.filter(pk__in=ids).order_by("source_ref")
    return [(person, kinds[person.pk]) for person in persons]


def _pick(
    candidates: list[tuple[Person, set[str]]], *wanted: Callable[[set[str]], bool]
) -> tuple[Person, list[tuple[Person, set[str]]]]:
    """The first candidate whose owners' kinds fit the first test any of them passes (else the
    first candidate), and the rest."""
    index = next(
        (i for test in wanted for i, (_, kinds) in enumerate(candidates) if test(kinds)),
        0,
    )
    return candidates[index][0], candidates[:index] + candidates[index + 1 :]


def _as_written(person: Person) -> dict[str, Any]:
    """The subject's details as their letter gives them: those on their person record."""
    name = person.primary_name
    full = f"{name.forenames} {name.surname}".strip() if name is not None else person.display_name
    born = person.primary_date_of_birth
    address = person.addresses.first()
    return {
        "subject_name": full,
        "subject_date_of_birth": (
            date(born.year, born.month, born.day) if born and born.month and born.day else None
        ),
        "subject_address": str(address or ""),
        "subject_postcode": address.postcode if address else "",
    }


# --- the receiving side -------------------------------------------------------------------------


def _fresh(request: SubjectAccessRequest) -> SubjectAccessRequest:
    return SubjectAccessRequest.objects.get(pk=request.pk)


def _verify(request: SubjectAccessRequest, officer: User, on: date, evidence: str) -> SubjectAccessRequest:
    return requests_services.identity_verify(
        request=request, version=request.version, verified_on=on, evidence=evidence, by=officer
    )


def _find_and_confirm(request: SubjectAccessRequest, officer: User, person: Person) -> SubjectAccessRequest:
    """Search the whole system as the officer would (recorded with its purpose), then confirm the
    subject's record; records linked to it as the same person come with it."""
    routing.subject_search(request=request, by=officer)
    routing.subject_records_confirm(
        request=request,
        version=request.version,
        person_ids=[person.pk],
        note=(
            "Name, date of birth and address match the request and the identity documents seen; "
            "no other candidate matches."
        ),
        by=officer,
    )
    return _fresh(request)


def _route(request: SubjectAccessRequest, officer: User) -> dict[str, RequestPart]:
    parts = routing.route(request=request, version=request.version, by=officer)
    return {part.agency.code: part for part in parts}


def _record(officer: User, received_on: date, **details: Any) -> SubjectAccessRequest:
    return requests_services.request_record(received_on=received_on, by=officer, **details)


def _just_received(actor: _Actors, invent: _Invented, today: date) -> None:
    officer = actor(CHILDREN, OFFICER)
    forenames, surname = invent.man()
    mother = invent.woman()[0]
    address, postcode = invent.postal()
    _record(
        officer,
        today - timedelta(days=1),
        subject_name=f"{forenames} {surname}",
        subject_date_of_birth=invent.born(15, 15),
        subject_address=address,
        subject_postcode=postcode,
        requester_is_subject=False,
        requester_name=f"{mother} {surname}",
        requester_capacity="Parent, acting for her son with his agreement",
        requester_authority=(
            "A letter signed by her son asking her to make the request for him; his birth "
            "certificate naming her as his mother (copies sent with the request, originals to follow)."
        ),
        response_address=address,
        scope=(
            f"Everything children's services and the other agencies hold about my son since {today.year - 3}."
        ),
        scope_from=date(today.year - 3, 1, 1),
    )


def _awaiting_clarification(actor: _Actors, invent: _Invented, today: date) -> None:
    officer = actor(PROBATION, OFFICER)
    forenames, surname = invent.man()
    address, postcode = invent.postal()
    request = _record(
        officer,
        today - timedelta(days=16),
        subject_name=f"{forenames} {surname}",
        subject_other_names=f"{forenames} {invent.fake.last_name()}",
        subject_date_of_birth=invent.born(30, 60),
        subject_address=address,
        subject_postcode=postcode,
        response_address=address,
        scope="My file from when I was on licence, and the reports about me.",
    )
    request = _verify(
        request, officer, today - timedelta(days=14), "Photocard driving licence and a bank statement seen."
    )
    requests_services.clarification_request(
        request=request,
        version=request.version,
        requested_on=today - timedelta(days=9),
        what_was_asked=(
            "Which licence period he means (he has had two), and whether 'the reports' are the "
            "pre-sentence reports or the MAPPA meeting minutes."
        ),
        by=officer,
    )


def _confirmed_not_routed(actor: _Actors, person: Person, today: date) -> None:
    officer = actor(POLICE, OFFICER)
    request = _record(officer, today - timedelta(days=6), scope=SCOPE_ALL, **_as_written(person))
    request = _verify(
        request, officer, today - timedelta(days=5), "Passport seen at the police station front counter."
    )
    _find_and_confirm(request, officer, person)


def _nothing_held(actor: _Actors, invent: _Invented, today: date) -> None:
    """A woman who is in no agency's records: the whole-system search (recorded with its
    purpose) finds no record that is hers, so nothing is confirmed or routed and the officer
    closes the request "nothing held" from finding."""
    forenames, surname = invent.woman()
    born = invent.born(25, 50)
    line1, town, postcode = invent.address()
    officer = actor(POLICE, OFFICER)
    request = _record(
        officer,
        today - timedelta(days=10),
        subject_name=f"{forenames} {surname}",
        subject_date_of_birth=born,
        subject_address=f"{line1}\n{town}",
        subject_postcode=postcode,
        scope="Whether MAPPA holds anything about me, and if so what.",
    )
    request = _verify(request, officer, today - timedelta(days=9), "Passport and a council tax bill seen.")
    # Any candidates are other people (an invented name may sound like someone's): none is hers.
    routing.subject_search(request=request, by=officer)
    request = _fresh(request)
    routing.nothing_held(
        request=request,
        version=request.version,
        note=(
            "No record in the people index is hers. Letter sent by post telling her that no "
            "information about her is held under MAPPA."
        ),
        by=officer,
    )


def _withdrawn(actor: _Actors, invent: _Invented, today: date) -> None:
    officer = actor(CHILDREN, OFFICER)
    forenames, surname = invent.woman()
    address, postcode = invent.postal()
    request = _record(
        officer,
        today - timedelta(days=8),
        subject_name=f"{forenames} {surname}",
        subject_date_of_birth=invent.born(20, 45),
        subject_address=address,
        subject_postcode=postcode,
        response_address=address,
        scope="The information shared about me and my children at meetings about my ex-partner.",
    )
    request = _verify(request, officer, today - timedelta(days=7), "Passport seen at the council offices.")
    requests_services.request_withdraw(
        request=request,
        version=request.version,
        reason=(
            "She wrote to withdraw the request: her social worker went through what she needed "
            "with her in person."
        ),
        by=officer,
    )


# --- the owning side ----------------------------------------------------------------------------


def _items(part: RequestPart) -> list[PartItem]:
    return list(PartItem.objects.filter(part=part).order_by("kind", "object_id", "id"))


def _chair_responds(actor: _Actors, part: RequestPart) -> None:
    chair = actor(POLICE, "meeting_chair")
    for consultation in ChairConsultation.objects.filter(
        item__part=part, status=ConsultationStatus.PENDING
    ).order_by("pk"):
        if consultation.chair_id == chair.pk:
            parts_services.consultation_respond(consultation=consultation, view=CHAIR_VIEW, by=chair)


def _marked(item: PartItem, words: Sequence[str]) -> list[str] | None:
    """Each section's text with the officer's [[ ]] marks around the words to remove, or None
    when none of them is in the item."""
    marked, found = [], False
    for section in item.content:
        text = section.get("text", "")
        for phrase in words:
            if phrase and phrase in text:
                text, found = text.replace(phrase, f"[[{phrase}]]", 1), True
        marked.append(text)
    return marked if found else None


def _others_ground(part: RequestPart) -> str:
    return Exemption.S45_OTHERS if part.regime == Regime.LAW_ENFORCEMENT else Exemption.THIRD_PARTY


def _decide(item: PartItem, part: RequestPart, officer: User) -> None:
    """The owner's decision on one item, as an officer would make it for the demo's records:
    other people's details redacted, a scheme application withheld (it would identify the
    applicant), health information withheld on a clinician's advice, everything else released."""
    decide = parts_services.item_decide
    if item.kind == ItemKind.SCHEME_APPLICATION:
        decide(
            item=item,
            decision=ItemDecision.WITHHOLD,
            exemption=_others_ground(part),
            reason=(
                "The application would identify the member of the public who made it and the child "
                "it is about; releasing any of it would put them at risk."
            ),
            by=officer,
        )
        return
    if item.kind == ItemKind.INFORMATION_ITEM and part.agency.kind == AgencyKind.HEALTH:
        decide(
            item=item,
            decision=ItemDecision.WITHHOLD,
            exemption=Exemption.HEALTH,
            reason=(
                "The trust's consultant psychiatrist advised in writing that releasing this would be "
                "likely to cause serious harm to his mental health."
            ),
            by=officer,
        )
        return
    words: Sequence[str] = THIRD_PARTY_WORDS
    if item.kind == ItemKind.DISCLOSURE:
        words = list(Disclosure.objects.get(pk=item.object_id).recipients.values_list("name", flat=True))
    marked = _marked(item, words)
    if marked is None:
        decide(item=item, decision=ItemDecision.RELEASE, by=officer)
        return
    decide(
        item=item,
        decision=ItemDecision.REDACT,
        exemption=_others_ground(part),
        reason=(
            "The words removed identify or describe other people (a partner, her children, or the "
            "person told); they are not his information and releasing them would put them at risk."
        ),
        marked_texts=marked,
        by=officer,
    )


def _answer(part: RequestPart, officer: User, note: str) -> None:
    """Build the response bundle (small, so built at once) and record the answer: the s.62
    disclosure to the requester."""
    parts_services.bundle_request(part=part, by=officer)
    part = RequestPart.objects.get(pk=part.pk)
    parts_services.part_answer(part=part, version=part.version, response_note=note, by=officer)


def _decide_and_answer(actor: _Actors, part: RequestPart, note: str) -> None:
    officer = actor(part.agency.code, OFFICER)
    _chair_responds(actor, part)
    for item in _items(part):
        _decide(item, part, officer)
    _answer(part, officer, note)


def _routed(actor: _Actors, person: Person, today: date) -> None:
    """From a solicitor, for the meeting's second case: several parts, some items decided, the
    chair not yet consulted on children's services' entry, probation's part answered."""
    officer = actor(POLICE, OFFICER)
    request = _record(
        officer,
        today - timedelta(days=15),
        scope=SCOPE_ALL + " In particular the minutes of any meetings about me and who was told what.",
        requester_is_subject=False,
        requester_name="Harriet Ellwood, Ellwood and Parr Solicitors (invented)",
        requester_capacity="Solicitor",
        requester_authority="Signed form of authority from the subject, dated the week before the request.",
        response_address="By secure email to the solicitors: sar@ellwood-parr.example.invalid",
        **_as_written(person),
    )
    # Identity verified three days after receipt, when the signed authority arrived.
    request = _verify(
        request,
        officer,
        today - timedelta(days=12),
        "Certified copy of his passport and the signed authority, sent by the solicitors.",
    )
    request = _find_and_confirm(request, officer, person)
    parts = _route(request, officer)
    for code in (POLICE, PROBATION):  # children's services' entry waits for the chair
        if code in parts:
            _chair_responds(actor, parts[code])
    if POLICE in parts:
        police = parts[POLICE]
        by = actor(POLICE, OFFICER)
        items = _items(police)
        first_info = next((i for i in items if i.kind == ItemKind.INFORMATION_ITEM), None)
        last_disclosure = next((i for i in reversed(items) if i.kind == ItemKind.DISCLOSURE), None)
        chosen = [first_info, last_disclosure] + [
            i for i in items if i.kind in (ItemKind.MINUTES_ENTRY, ItemKind.SCHEME_APPLICATION)
        ]
        for item in chosen:
            if item is not None:
                _decide(item, police, by)
    if PROBATION in parts:
        _decide_and_answer(
            actor,
            parts[PROBATION],
            "Sent by secure email to the solicitors with a covering letter.",
        )


def _extended(actor: _Actors, person: Person, today: date) -> None:
    officer = actor(PROBATION, OFFICER)
    received = today - timedelta(days=26)
    request = _record(officer, received, scope=SCOPE_ALL, **_as_written(person))
    request = _verify(
        request, officer, received, "Passport and a tenancy agreement seen at the probation office."
    )
    request = _find_and_confirm(request, officer, person)
    parts = _route(request, officer)
    request = _fresh(request)
    requests_services.extension_record(
        request=request,
        version=request.version,
        notice_on=today - timedelta(days=3),
        months=2,
        reason=(
            "The request is complex: his records are held by several agencies, including health "
            "records that need a clinician's opinion before any decision."
        ),
        by=officer,
    )
    for part in parts.values():
        if part.regime == Regime.UK_GDPR:
            first = next(iter(_items(part)), None)
            if first is not None:
                _decide(first, part, actor(part.agency.code, OFFICER))
            break


def _late(actor: _Actors, person: Person, today: date) -> None:
    officer = actor(PROBATION, OFFICER)
    received = today - timedelta(days=40)
    request = _record(officer, received, scope=SCOPE_ALL, **_as_written(person))
    request = _verify(request, officer, received, "Passport seen when he handed the request in at reporting.")
    request = _find_and_confirm(request, officer, person)
    parts = _route(request, officer)
    prison = next((p for p in parts.values() if p.agency.kind == AgencyKind.PRISON), None)
    if prison is not None and len(parts) > 1:
        _decide_and_answer(
            actor, prison, "Handed to him at his probation appointment, with a covering letter."
        )


def _closed(actor: _Actors, person: Person, today: date) -> None:
    officer = actor(CHILDREN, OFFICER)
    request = _record(officer, today - timedelta(days=24), scope=SCOPE_ALL, **_as_written(person))
    request = _verify(
        request,
        officer,
        today - timedelta(days=22),
        "Passport and a utility bill seen at the council offices.",
    )
    request = _find_and_confirm(request, officer, person)
    for part in _route(request, officer).values():
        _decide_and_answer(actor, part, "Sent to him by recorded delivery with a covering letter.")
