"""Applications sent by members of the public through the form at /apply/ (issue 7).

The form's pages validate each answer as it is given; `application_submit` validates all of them
again, because it must not trust what reaches it (the answers wait in a session between pages,
and a service is the last line before the database). It then creates the application under the
scheme's current edition, in its first stage, with that stage's record due per the edition's
target, and one COLLECTION audit event, all in one transaction.

Nothing here looks anyone up. Whether the person named is known to the police, in the people
index or on the nominal register, is for the disclosure scheme officers to find out later: the
public side must give the same answer, in the same time, whoever is named, or it would become a
way to ask the police "is this person known?" without any of the scheme's safeguards. So the
audit event carries no name either: only the scheme and route, and the receiving force as its
owner, so that force's auditors see it.

Submissions are limited per client address (`within_rate_limit`), counted in Django's cache: a
form anyone can post to must not become a way to flood a force's queue.
"""

import hashlib
import re
import time
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from mappa.agencies.models import Agency, AgencyKind
from mappa.audit.models import Action
from mappa.audit.services import record_event
from mappa.core.exceptions import ApplicationError
from mappa.disclosure_schemes.models import Application, Route, StageRecord, new_reference
from mappa.disclosure_schemes.schemes import SCHEME_CHOICES, current
from mappa.people import normalise

PUBLIC_ACTOR = "public:application"
AUDIT_OBJECT_TYPE = "scheme_application"

# Size limits: each field's own, and the number of children one application names.
MAX_NAME = 200
MAX_ADDRESS = 500
MAX_TEXT = 5000
MAX_SHORT_TEXT = 500  # safe times, things to avoid
MAX_POSTCODE = 10
MAX_PHONE = 30
MAX_EMAIL = 254
MAX_AGE_TEXT = 20
MAX_CHILDREN = 10
OLDEST_CHILD = 17  # the scheme protects children: under 18

CONTACT_WAYS = {
    "phone": "Phone call",
    "text": "Text message",
    "email": "Email",
    "letter": "Letter to your address",
}
SCHEMES = dict(SCHEME_CHOICES)

# A UK postcode, loosely: outward code, optional space, inward code. Police check the address
# anyway; this only catches a postcode typed into the wrong box.
_PHONE = re.compile(r"^\+?[0-9 ()-]+$")

# How many times to draw a new reference when one is taken: with 31^8 references a collision is
# rare enough that a second one in a row means something else is wrong.
_REFERENCE_ATTEMPTS = 5


def clean_text(value: str, *, multiline: bool = False) -> str:
    """The text without control characters (a pasted NUL or escape code is never meant).

    Line breaks are kept in free text, as "\\n"; one-line answers lose them. Leading and
    trailing spaces go, as Django's CharField would.
    """
    text = value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    kept = "".join(ch for ch in text if (multiline and ch == "\n") or unicodedata.category(ch) != "Cc")
    return kept.strip()


def receiving_forces() -> QuerySet[Agency]:
    """The police forces an application can be sent to: every active police agency.

    Their names are public information; the public form lists them, nothing more.
    """
    return Agency.objects.filter(kind=AgencyKind.POLICE, is_active=True).order_by("name")


@dataclass(frozen=True)
class Child:
    name: str
    age: str  # whole years, "0" to "17", as typed into the form


@dataclass(frozen=True)
class SubmittedApplication:
    """Everything the applicant answered, as the pages collected it."""

    scheme: str  # "csods" or "dvds"
    third_party: bool  # DVDS: asking about someone else's partner
    receiving_agency_id: int
    applicant_name: str
    applicant_date_of_birth: date | None
    applicant_address: str
    applicant_postcode: str
    safe_contact_ways: tuple[str, ...]
    applicant_phone: str
    applicant_email: str
    safe_contact_times: str
    safe_contact_notes: str
    subject_name: str
    subject_access: str  # CSODS: access to the children; DVDS: the relationship
    concern: str
    subject_other_names: str = ""
    subject_date_of_birth: date | None = None
    subject_age: str = ""
    subject_address: str = ""
    subject_description: str = ""
    person_at_risk_name: str = ""
    children: tuple[Child, ...] = field(default_factory=tuple)
    relationship_to_children: str = ""


def _required(value: str, message: str, field_name: str) -> None:
    if not value.strip():
        raise ApplicationError(message, field=field_name)


def _at_most(value: str, limit: int, what: str, field_name: str) -> None:
    if len(value) > limit:
        raise ApplicationError(f"{what} must be {limit:,} characters or fewer", field=field_name)


def _past(value: date | None, what: str, field_name: str, today: date) -> None:
    if value is not None and value >= today:
        raise ApplicationError(f"{what} must be in the past", field=field_name)


def valid_postcode(value: str) -> bool:
    # The people index's rule, so a postcode the form accepts is one the checks can search on.
    return normalise.is_valid_postcode(normalise.postcode(value))


def valid_phone(value: str) -> bool:
    digits = re.sub(r"\D", "", value)
    return bool(_PHONE.match(value.strip())) and 10 <= len(digits) <= 15


def validate_application(answers: SubmittedApplication, *, today: date) -> None:
    """Every rule the pages check, again: raises ApplicationError naming the first answer wrong."""
    if answers.scheme not in SCHEMES:
        raise ApplicationError("Select which scheme you are applying under", field="scheme")
    if answers.scheme == "csods" and answers.third_party:
        raise ApplicationError("Select which scheme you are applying under", field="scheme")
    # About you.
    _required(answers.applicant_name, "Enter your full name", "applicant_name")
    _at_most(answers.applicant_name, MAX_NAME, "Your full name", "applicant_name")
    if answers.applicant_date_of_birth is None:
        raise ApplicationError("Enter your date of birth", field="applicant_date_of_birth")
    _past(answers.applicant_date_of_birth, "Your date of birth", "applicant_date_of_birth", today)
    _required(answers.applicant_address, "Enter your address", "applicant_address")
    _at_most(answers.applicant_address, MAX_ADDRESS, "Your address", "applicant_address")
    _required(answers.applicant_postcode, "Enter your postcode", "applicant_postcode")
    if len(answers.applicant_postcode) > MAX_POSTCODE or not valid_postcode(answers.applicant_postcode):
        raise ApplicationError("Enter a real postcode, like AA1 1AA", field="applicant_postcode")
    _validate_contact(answers)
    # The person they are concerned about.
    _required(answers.subject_name, "Enter the name of the person you are concerned about", "subject_name")
    _at_most(answers.subject_name, MAX_NAME, "Their name", "subject_name")
    _at_most(answers.subject_other_names, MAX_NAME, "Other names", "subject_other_names")
    _past(answers.subject_date_of_birth, "Their date of birth", "subject_date_of_birth", today)
    _at_most(answers.subject_age, MAX_AGE_TEXT, "Their approximate age", "subject_age")
    _at_most(answers.subject_address, MAX_ADDRESS, "Their address", "subject_address")
    _at_most(answers.subject_description, MAX_TEXT, "The description", "subject_description")
    _validate_access(answers)
    _validate_children(answers)
    _required(answers.concern, "Enter why you are concerned", "concern")
    _at_most(answers.concern, MAX_TEXT, "Why you are concerned", "concern")


def _validate_contact(answers: SubmittedApplication) -> None:
    # Rule 19: the police contact the applicant only in a way and at a time they said is safe,
    # so there must be at least one way, with the detail it needs.
    ways = answers.safe_contact_ways
    if not ways:
        raise ApplicationError("Select at least one safe way to contact you", field="safe_contact_ways")
    if set(ways) - set(CONTACT_WAYS) or len(set(ways)) != len(ways):
        raise ApplicationError("Select at least one safe way to contact you", field="safe_contact_ways")
    if {"phone", "text"} & set(ways):
        _required(answers.applicant_phone, "Enter a phone number we can safely use", "applicant_phone")
    if answers.applicant_phone and (
        len(answers.applicant_phone) > MAX_PHONE or not valid_phone(answers.applicant_phone)
    ):
        raise ApplicationError("Enter a phone number, like 07700 900 982", field="applicant_phone")
    if "email" in ways:
        _required(answers.applicant_email, "Enter an email address we can safely use", "applicant_email")
    if answers.applicant_email:
        try:
            if len(answers.applicant_email) > MAX_EMAIL:
                raise ValidationError("too long")
            validate_email(answers.applicant_email)
        except ValidationError:
            raise ApplicationError(
                "Enter an email address in the correct format, like name@example.com",
                field="applicant_email",
            ) from None
    _required(answers.safe_contact_times, "Enter when it is safe to contact you", "safe_contact_times")
    _at_most(answers.safe_contact_times, MAX_SHORT_TEXT, "Safe times", "safe_contact_times")
    _at_most(answers.safe_contact_notes, MAX_SHORT_TEXT, "What we must avoid", "safe_contact_notes")


def _validate_access(answers: SubmittedApplication) -> None:
    # Rule 17: CSODS is about a named person's access to a named child; DVDS about a partner.
    if answers.scheme == "csods":
        message = "Enter how the person has contact with the child or children"
    else:
        message = "Enter the person's relationship to you or to the person at risk"
    _required(answers.subject_access, message, "subject_access")
    _at_most(answers.subject_access, MAX_TEXT, "Your answer", "subject_access")
    if answers.scheme == "dvds" and answers.third_party:
        _required(answers.person_at_risk_name, "Enter the name of the person at risk", "person_at_risk_name")
    elif answers.person_at_risk_name:
        raise ApplicationError(
            "Only give the name of a person at risk when you are asking about someone else's partner",
            field="person_at_risk_name",
        )
    _at_most(answers.person_at_risk_name, MAX_NAME, "The name of the person at risk", "person_at_risk_name")


def _validate_children(answers: SubmittedApplication) -> None:
    children = answers.children
    if answers.scheme == "csods" and not children:
        raise ApplicationError("Enter the name and age of at least one child", field="children")
    if len(children) > MAX_CHILDREN:
        raise ApplicationError(f"You can name up to {MAX_CHILDREN} children", field="children")
    for number, child in enumerate(children, start=1):
        _required(child.name, f"Enter the name of child {number}", "children")
        _at_most(child.name, MAX_NAME, f"The name of child {number}", "children")
        if not child.age.isdigit() or not 0 <= int(child.age) <= OLDEST_CHILD:
            raise ApplicationError(
                f"Enter the age of child {number} as a number from 0 to {OLDEST_CHILD}", field="children"
            )
    if answers.scheme == "csods":
        _required(
            answers.relationship_to_children,
            "Enter your relationship to the children",
            "relationship_to_children",
        )
    _at_most(
        answers.relationship_to_children,
        MAX_NAME,
        "Your relationship to the children",
        "relationship_to_children",
    )


def _cleaned(answers: SubmittedApplication) -> SubmittedApplication:
    """The answers with control characters removed from every text, before any rule is checked."""
    one_line = {
        "applicant_name",
        "applicant_postcode",
        "applicant_phone",
        "applicant_email",
        "subject_name",
        "subject_other_names",
        "subject_age",
        "person_at_risk_name",
        "relationship_to_children",
    }
    multiline = {
        "applicant_address",
        "safe_contact_times",
        "safe_contact_notes",
        "subject_address",
        "subject_description",
        "subject_access",
        "concern",
    }
    values: dict[str, Any] = {name: clean_text(getattr(answers, name)) for name in one_line}
    values.update({name: clean_text(getattr(answers, name), multiline=True) for name in multiline})
    values["applicant_postcode"] = values["applicant_postcode"].upper()
    children = tuple(Child(name=clean_text(c.name), age=clean_text(c.age)) for c in answers.children)
    return replace(answers, **values, children=children)


@transaction.atomic
def application_submit(*, answers: SubmittedApplication, now: datetime | None = None) -> Application:
    """Receive an application from the public form: the application, its first stage, its event.

    Searches nothing: see the module docstring.
    """
    now = now or timezone.now()
    answers = _cleaned(answers)
    validate_application(answers, today=timezone.localdate(now))
    agency = receiving_forces().filter(pk=answers.receiving_agency_id).first()
    if agency is None:
        raise ApplicationError("Select the police force where you live", field="receiving_agency")
    edition = current(answers.scheme)
    first = edition.stages[0]
    application = _saved_with_unique_reference(
        Application(
            scheme=answers.scheme,
            guidance_version=edition.guidance_version,
            route=Route.RIGHT_TO_ASK,  # the public form is always the applicant asking
            receiving_agency=agency,
            received_at=now,
            stage=first.code,
            applicant_name=answers.applicant_name,
            applicant_date_of_birth=answers.applicant_date_of_birth,
            applicant_address=answers.applicant_address,
            applicant_postcode=answers.applicant_postcode,
            applicant_email=answers.applicant_email,
            applicant_phone=answers.applicant_phone,
            safe_contact_ways=list(answers.safe_contact_ways),
            safe_contact_times=answers.safe_contact_times,
            safe_contact_notes=answers.safe_contact_notes,
            relationship_to_children=answers.relationship_to_children,
            subject_name=answers.subject_name,
            subject_other_names=answers.subject_other_names,
            subject_date_of_birth=answers.subject_date_of_birth,
            subject_age=answers.subject_age,
            subject_address=answers.subject_address,
            subject_description=answers.subject_description,
            subject_access=answers.subject_access,
            children=[{"name": child.name, "age": child.age} for child in answers.children],
            person_at_risk_name=answers.person_at_risk_name,
            concern=answers.concern,
        )
    )
    # The first stage's clock starts at receipt, as every later stage's target is measured.
    StageRecord(
        application=application,
        stage=first.code,
        started_at=now,
        due_at=now + first.target,
    ).save(override=True)
    record_event(
        action=Action.COLLECTION,
        actor_username=PUBLIC_ACTOR,
        summary=f"{edition.short_name} application received through the public form",
        object_type=AUDIT_OBJECT_TYPE,
        object_id=application.pk,
        object_agency_id=agency.pk,
        # No names, nothing the applicant typed: the event log is read more widely than the
        # application, whose readers are the receiving force's scheme officers.
        detail={
            "scheme": answers.scheme,
            "route": Route.RIGHT_TO_ASK.value,
            "guidance_version": edition.guidance_version,
        },
    )
    return application


def _saved_with_unique_reference(application: Application) -> Application:
    for _ in range(_REFERENCE_ATTEMPTS):
        application.reference = new_reference(application.scheme)
        try:
            # A savepoint, so a taken reference fails only this insert, not the transaction.
            with transaction.atomic():
                application.save(override=True)
        except IntegrityError:
            if not Application.objects.filter(reference=application.reference).exists():
                raise  # some other constraint: not ours to retry
            application.pk = None
            continue
        return application
    raise RuntimeError("Could not find an unused application reference")


# --- rate limits ----------------------------------------------------------------------------------

# (setting, default, window in seconds) for each kind of request counted.
RATE_LIMITS: dict[str, tuple[tuple[str, int, int], ...]] = {
    "submit": (
        ("MAPPA_APPLY_RATE_PER_HOUR", 5, 3600),
        ("MAPPA_APPLY_RATE_PER_DAY", 20, 86400),
    ),
    "answer": (("MAPPA_APPLY_RATE_ANSWERS_PER_MINUTE", 60, 60),),
}


def within_rate_limit(*, client_address: str | None, kind: str, now: float | None = None) -> bool:
    """Count one request of `kind` from the address; False once any of its limits is passed.

    Fixed windows in Django's cache, which production shares between workers (Redis,
    MAPPA_CACHE_URL; without it each process counts alone, as in development).
    The address is hashed into the key: the cache need not hold who applied from where.
    Requests refused still count, so hammering the form does not reopen it.
    """
    moment = time.time() if now is None else now
    who = hashlib.sha256((client_address or "unknown").encode()).hexdigest()[:32]
    allowed = True
    for setting, default, window in RATE_LIMITS[kind]:
        limit = int(getattr(settings, setting, default))
        key = f"mappa:apply:{kind}:{window}:{who}:{int(moment // window)}"
        cache.add(key, 0, timeout=window + 60)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window + 60)
            count = 1
        if count > limit:
            allowed = False
    return allowed
