"""The police checks on the subject, the decision, and the non-disclosure and referral outcomes of
a disclosure scheme application (issue 7; disclosure_dp.md §1.4-1.7, §2.2, §2.3, §5.2 rules 20-26).

Checks: the officer searches the people index for the subject as the applicant described them
(through the people services, so the search is an audited consultation that shows only what the
officer's agency may see), links the record that is the subject, or none, and records what was
found. When that person is a MAPPA nominal the decision belongs to a level 2 or 3 meeting, and
the nominal's lead agency is told that an application concerns its case (never who made it).

Decision: disclose, do not disclose, or refer, with its forum and rationale. The rules a
decision must meet are in `decision_problems`, each with its message, so a page can list what is
missing before anyone presses the button and the service refuses exactly the same things.

Every write locks the application, refuses a stale version (someone else changed it while the
officer was reading), bumps the version and records one audit event in the same transaction.
Events name the application, with the receiving police agency as owner and the subject nominal
if any; they list changed field names only, never what the officer typed about anyone.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mappa.audit.models import Action
from mappa.audit.services import record_event
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.disclosure_schemes.access import can_manage
from mappa.disclosure_schemes.models import (
    ApplicantTold,
    Application,
    ApplicationStatus,
    SchemeOutcome,
)
from mappa.disclosure_schemes.schemes import FORUMS, SchemeEdition, edition
from mappa.disclosure_schemes.services_applications import not_made_message
from mappa.disclosures.models import Outcome
from mappa.information_sharing.selectors import Holding, nominal_holdings, nominal_items, person_items
from mappa.meetings.models import MeetingStatus, Minutes, MinutesStatus
from mappa.nominals.models import Nominal
from mappa.nominals.selectors import nominal_list
from mappa.people.dates import PartialDate
from mappa.people.models import LinkKind, Person, PersonLink
from mappa.people.search import Candidate
from mappa.people.selectors import person_list
from mappa.people.services import persons_search

if TYPE_CHECKING:
    from mappa.accounts.models import User

MAX_TEXT_LENGTH = 10000
# A summary, rationale or rebuttal is the record a later reviewer (or a court) reads to see why:
# a word or two explains nothing.
MIN_STATEMENT_LENGTH = 20
MAPPA_FORUM = "mappa"
DECISION_LEVELS = (2, 3)
SEARCH_LIMIT = 10
SEARCH_VIA = "scheme_checks"

# How a non-disclosure reached the applicant. In person (at a meeting) is always possible;
# every other way must be one the applicant said is safe (rule 19). A written non-disclosure is
# the CSODS letter (2010 Appendix E); DVDS puts nothing in writing, so its written ways are
# refused. The edition's written_outcome_allowed is about the recipient of a disclosure, which
# is why this is a separate list.
NON_DISCLOSURE_WAYS = {
    "in_person": "In person",
    "phone": "By phone",
    "text": "By text message",
    "email": "By email",
    "letter": "By letter",
}
WRITTEN_WAYS = frozenset({"text", "email", "letter"})
WRITTEN_NON_DISCLOSURE_SCHEMES = frozenset({"csods"})

CONFLICT_MESSAGE = (
    "Someone else changed this application while you were looking at it. Nothing has been saved. "
    "Go back to the application to see it as it is now, then try again"
)
NOT_MANAGER_MESSAGE = (
    "Only a disclosure scheme officer of the police force the application was sent to can do this"
)
LEAD_AGENCY_TOLD_SUMMARY = "Disclosure scheme application about a MAPPA nominal"

# A UK postcode inside an address as the applicant typed it ("12 High St, Durham DH1 1AA").
_POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\b")


# --- helpers ------------------------------------------------------------------------------------


def _text(value: str | None, *, field: str, missing: str, minimum: int = MIN_STATEMENT_LENGTH) -> str:
    """The stripped text, or ApplicationError naming what is missing or too short."""
    text = (value or "").strip()
    if not text:
        raise ApplicationError(missing, field=field)
    if len(text) < minimum:
        raise ApplicationError(f"{missing} in a sentence or more", field=field)
    if len(text) > MAX_TEXT_LENGTH:
        raise ApplicationError(f"Enter {MAX_TEXT_LENGTH} characters or fewer", field=field)
    return text


def _short(value: str | None) -> bool:
    return len((value or "").strip()) < MIN_STATEMENT_LENGTH


def _edition(application: Application) -> SchemeEdition:
    return edition(f"{application.scheme}-{application.guidance_version}")


def _require_manager(by: "User", application: Application) -> None:
    if not can_manage(by, application):
        raise PermissionDenied(NOT_MANAGER_MESSAGE)


def _locked(application: Application, version: int | None) -> Application:
    """The stored application, locked for this transaction; refused if closed or changed since."""
    stored = (
        Application.objects.select_for_update(of=("self",))
        .select_related("receiving_agency", "subject_nominal", "subject_nominal__lead_agency")
        .get(pk=application.pk)
    )
    if stored.status != ApplicationStatus.OPEN:
        raise ApplicationError(
            f"{stored.reference} is {stored.get_status_display().lower()}, "
            "so nothing more can be recorded on it"
        )
    if version is not None and stored.version != version:
        raise ApplicationError(CONFLICT_MESSAGE)
    return stored


def _save(application: Application, fields: list[str]) -> None:
    application.version += 1
    application.save(override=True, update_fields=[*fields, "version", "updated_at"])


def _event(application: Application, by: "User", action: Action, summary: str, changed: list[str]) -> None:
    record_event(
        action=action,
        actor=by,
        summary=f"{summary}: {application.reference}",
        object_type="scheme_application",
        object_id=application.pk,
        object_agency_id=application.receiving_agency_id,
        nominal_id=application.subject_nominal_id,
        changed_fields=changed,
        detail={"version": application.version},
    )


def _apply(application: Application, values: dict[str, Any]) -> list[str]:
    """Set the values that differ; return the names of the fields changed."""
    changed = [name for name, value in values.items() if getattr(application, name) != value]
    for name in changed:
        setattr(application, name, values[name])
    return changed


def outcome_complete(application: Application) -> bool:
    """Whether the outcome is fully recorded: the disclosure delivered, the non-disclosure
    communicated, or the referral made with the support offered. The decision is fixed from then."""
    if application.outcome == SchemeOutcome.DISCLOSE:
        # Once started, the disclosure record carries the decision; unless that record was itself
        # reconsidered as "do not disclose" after a refused undertaking, when the decision must
        # change to match it.
        return application.disclosure is not None and application.disclosure.outcome == Outcome.DISCLOSE
    if application.outcome == SchemeOutcome.DO_NOT_DISCLOSE:
        return application.non_disclosure_communicated_at is not None
    if application.outcome == SchemeOutcome.REFER:
        return bool(application.referred_to.strip()) and bool(application.support_referral.strip())
    return False


# --- checks: the search -------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchTerms:
    """What the applicant gave about the subject, as the people search takes it."""

    name: str
    dob: PartialDate | None
    postcode: str

    @property
    def fields(self) -> list[str]:
        return [
            label
            for label, value in (
                ("name", self.name),
                ("date of birth", self.dob),
                ("postcode", self.postcode),
            )
            if value
        ]


@dataclass
class CheckCandidate:
    """One candidate for the subject, with what the officer's agency knows exists about them."""

    candidate: Candidate
    nominal: Nominal | None = None
    readable_items: int = 0
    holdings: list[Holding] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.candidate.id

    @property
    def score_percent(self) -> int:
        return round(self.candidate.score * 100)

    @property
    def other_records(self) -> list[int]:
        return [record.id for record in self.candidate.records if record.id != self.candidate.id]


def search_terms(application: Application) -> SearchTerms:
    """The subject's name, date of birth (or the year an age gives) and address postcode."""
    dob: PartialDate | None = None
    if application.subject_date_of_birth is not None:
        born = application.subject_date_of_birth
        dob = PartialDate(born.year, born.month, born.day)
    else:
        # "About 40" or "40": a year of birth, which the search matches within a year either side.
        digits = re.search(r"\d{1,3}", application.subject_age or "")
        if digits is not None:
            year = timezone.localtime(application.received_at).year - int(digits.group())
            if 1900 <= year <= timezone.localdate().year:
                dob = PartialDate(year, None, None)
    found = _POSTCODE.search((application.subject_address or "").upper())
    postcode = f"{found.group(1)} {found.group(2)}" if found else ""
    return SearchTerms(name=application.subject_name.strip(), dob=dob, postcode=postcode)


@transaction.atomic
def checks_search(*, application: Application, by: "User") -> list[CheckCandidate]:
    """The people index's candidates for the subject, as the officer's agency may see them.

    The search runs through the people service the search page uses, so it is one audited
    consultation (via "scheme_checks") and only returns records the officer could open. Each
    candidate says whether it is a MAPPA nominal the officer can see, how many information
    items about it their agency can read, and which agencies hold others (existence only, as
    on the case page).
    """
    _require_manager(by, application)
    terms = search_terms(application)
    try:
        candidates = persons_search(
            by=by,
            name=terms.name,
            dob=terms.dob,
            postcode=terms.postcode,
            limit=SEARCH_LIMIT,
            via=SEARCH_VIA,
        )
    except ValidationError as error:
        raise ApplicationError(error.messages[0]) from None
    record_ids = {record.id for candidate in candidates for record in candidate.records}
    nominals = {
        nominal.person_id: nominal
        for nominal in nominal_list(fetched_by=by).filter(person_id__in=record_ids).order_by("pk")
    }
    persons = person_list(fetched_by=by).in_bulk(list(record_ids))
    results = []
    for candidate in candidates:
        ids = [record.id for record in candidate.records] or [candidate.id]
        nominal = next((nominals[pk] for pk in ids if pk in nominals), None)
        readable = sum(len(person_items(person=persons[pk], fetched_by=by)) for pk in ids if pk in persons)
        holdings: list[Holding] = []
        if nominal is not None:
            readable += len(nominal_items(nominal=nominal, fetched_by=by))
            holdings = nominal_holdings(nominal=nominal, fetched_by=by)
        results.append(CheckCandidate(candidate, nominal, readable, holdings))
    return results


# --- checks: the record -------------------------------------------------------------------------


def _same_person_ids(person: Person) -> set[int]:
    """The person and every record joined to it by a standing "same person" link."""
    ids = {person.pk}
    frontier = {person.pk}
    while frontier:
        links = PersonLink.objects.filter(kind=LinkKind.SAME, revoked_at__isnull=True).filter(
            person_a_id__in=frontier
        ) | PersonLink.objects.filter(kind=LinkKind.SAME, revoked_at__isnull=True, person_b_id__in=frontier)
        found = {pk for link in links for pk in (link.person_a_id, link.person_b_id)} - ids
        ids |= found
        frontier = found
    return ids


def subject_nominal_for(person: Person, *, by: "User") -> Nominal | None:
    """The MAPPA nominal that is this person (or a record linked as the same person), if the
    officer can see one."""
    return nominal_list(fetched_by=by).filter(person_id__in=_same_person_ids(person)).order_by("pk").first()


@transaction.atomic
def checks_record(
    *,
    application: Application,
    version: int,
    subject_person: Person | None = None,
    summary: str,
    by: "User",
) -> Application:
    """Record what the checks found and which person record, if any, is the subject.

    A subject who is a MAPPA nominal sets `subject_nominal` and tells the nominal's lead agency
    (once per nominal): the decision then belongs to a level 2 or 3 meeting about them.
    """
    _require_manager(by, application)
    stored = _locked(application, version)
    if stored.decided_at is not None:
        raise ApplicationError("The decision has been recorded, so the checks can no longer be changed")
    summary = _text(summary, field="summary", missing="Enter what the checks found")
    nominal = None
    if subject_person is not None:
        # The officer links only what their agency may see: the same scope as the search.
        if not person_list(fetched_by=by).filter(pk=subject_person.pk).exists():
            raise ApplicationError("You can only link a person record you can see", field="subject_person")
        nominal = subject_nominal_for(subject_person, by=by)
    first_time = stored.checks_recorded_at is None
    now = timezone.now()
    values: dict[str, Any] = {
        "subject_person": subject_person,
        "subject_nominal": nominal,
        "checks_summary": summary,
    }
    tell_lead_agency = nominal is not None and (
        stored.lead_agency_told_at is None or stored.subject_nominal_id != nominal.pk
    )
    changed = _apply(stored, values)
    if not changed and not first_time:
        return stored
    stored.checks_recorded_at, stored.checks_recorded_by = now, by
    changed += ["checks_recorded_at", "checks_recorded_by"]
    if tell_lead_agency:
        stored.lead_agency_told_at = now
        changed.append("lead_agency_told_at")
    elif nominal is None and stored.lead_agency_told_at is not None:
        stored.lead_agency_told_at = None
        changed.append("lead_agency_told_at")
    _save(stored, changed)
    _event(
        stored,
        by,
        Action.COLLECTION if first_time else Action.ALTERATION,
        "Disclosure scheme checks recorded" if first_time else "Disclosure scheme checks changed",
        changed,
    )
    if tell_lead_agency and nominal is not None:
        # The lead agency learns only that an application concerns its case (the reference, the
        # force and the stage, on the case page's panel): never the applicant or the children.
        # The event is the lead agency's (its auditors see it), about its nominal.
        record_event(
            action=Action.ALTERATION,
            actor=by,
            summary=LEAD_AGENCY_TOLD_SUMMARY,
            object_type="scheme_application",
            object_id=stored.pk,
            object_agency_id=nominal.lead_agency_id,
            nominal_id=nominal.pk,
            changed_fields=["lead_agency_told_at"],
            detail={"version": stored.version},
        )
    return stored


# --- the decision -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    field: str | None
    message: str


def minutes_problems(minutes: Minutes, *, application: Application) -> list[str]:
    """Why these minutes cannot carry the decision: a level 2 or 3 meeting about the subject
    nominal, that has started and was not cancelled, in minutes not superseded."""
    item = minutes.agenda_item
    meeting = item.meeting
    problems = []
    if application.subject_nominal_id is None or item.nominal_id != application.subject_nominal_id:
        problems.append("Those minutes are about another case: choose minutes of a meeting about the subject")
    if meeting.level not in DECISION_LEVELS:
        problems.append("Only a level 2 or 3 MAPPA meeting can make this decision")
    if meeting.status == MeetingStatus.CANCELLED:
        problems.append(f"{meeting.reference} was cancelled")
    elif meeting.starts_at > timezone.now():
        problems.append(
            f"{meeting.reference} has not started yet: record the decision at or after the meeting"
        )
    if minutes.status == MinutesStatus.SUPERSEDED:
        problems.append("Those minutes have been superseded by a correction: choose the current version")
    return problems


def decision_problems(
    application: Application,
    *,
    outcome: str,
    forum: str = "",
    minutes: Minutes | None = None,
    rationale: str = "",
    presumption_applies: bool = False,
    presumption_rebuttal: str = "",
    referred_to: str = "",
    recipient_is_applicant: bool = True,
    recipient_best_placed: str = "",
    applicant_told: str = "",
    applicant_told_reason: str = "",
) -> list[Problem]:
    """Everything that stops this decision being recorded, each with the field it belongs to."""
    scheme = _edition(application)
    problems: list[Problem] = []

    def missing(name: str | None, message: str) -> None:
        problems.append(Problem(name, message))

    if application.checks_recorded_at is None:
        missing(None, "Record the checks on the subject before the decision")
    if outcome not in SchemeOutcome.values:
        missing("outcome", "Select the decision: disclose, do not disclose or refer")
    if forum not in scheme.forums:
        names = " or ".join(FORUMS[code] for code in scheme.forums)
        missing("forum", f"Select where the decision was made: {names}")
    if application.subject_nominal_id is not None:
        # A MAPPA nominal's risk is managed by MAPPA: the decision is the meeting's, and it is
        # recorded against the minutes of that meeting (disclosure_dp.md §1.4 step 5, §2.5).
        if forum and forum != MAPPA_FORUM:
            missing(
                "forum",
                "The subject is a MAPPA nominal: the decision must be made at a level 2 or 3 MAPPA meeting",
            )
        if minutes is None:
            missing(
                "minutes",
                "Choose the minutes of the level 2 or 3 meeting about the subject that made the decision",
            )
    if minutes is not None:
        problems.extend(
            Problem("minutes", message) for message in minutes_problems(minutes, application=application)
        )
    if not (rationale or "").strip():
        missing("rationale", "Enter the rationale for the decision")
    elif _short(rationale):
        missing("rationale", "Explain the rationale for the decision in a sentence or more")
    # Rule 20: anonymous or unverified applicants receive no disclosure under the schemes.
    if outcome == SchemeOutcome.DISCLOSE and application.identity_verified_at is None:
        missing(
            "outcome",
            "The applicant's identity has not been verified: anonymous or unverified applicants receive "
            "no disclosure. Verify their identity in person before deciding to disclose",
        )
    if application.disclosure is not None and outcome == SchemeOutcome.DISCLOSE:
        missing("outcome", not_made_message(application.disclosure.reference))
    # A disclosure is about the subject the checks found: with no record of them there is
    # nothing to disclose, and the disclosure record needs the person it is about.
    if (
        outcome == SchemeOutcome.DISCLOSE
        and application.checks_recorded_at is not None
        and application.subject_person_id is None
    ):
        missing(
            "outcome",
            "The checks found no record of the subject, so there is nothing to disclose about them",
        )
    # Rule 24: the presumption to disclose exists only where the edition has one (CSODS); where
    # it applies, any other outcome must say explicitly why the presumption is rebutted.
    if presumption_applies and not scheme.presumption_to_disclose:
        missing("presumption_applies", f"The {scheme.short_name} scheme has no presumption to disclose")
    elif presumption_applies and outcome and outcome != SchemeOutcome.DISCLOSE:
        if not (presumption_rebuttal or "").strip():
            missing(
                "presumption_rebuttal",
                "The presumption to disclose applies: explain why it is rebutted "
                "before deciding not to disclose",
            )
        elif _short(presumption_rebuttal):
            missing(
                "presumption_rebuttal",
                "Explain why the presumption to disclose is rebutted in a sentence or more",
            )
    if outcome == SchemeOutcome.REFER and _short(referred_to):
        missing("referred_to", "Enter who the application is referred to and why, in a sentence or more")
    # Rule 23: disclosure goes to whoever is best placed to protect, who may not be the applicant.
    if not recipient_is_applicant and _short(recipient_best_placed):
        missing(
            "recipient_best_placed",
            "Explain why the recipient, not the applicant, is best placed to protect, in a sentence or more",
        )
    if applicant_told not in ApplicantTold.values:
        missing("applicant_told", "Select what the applicant is told")
    elif applicant_told != ApplicantTold.OUTCOME and _short(applicant_told_reason):
        missing(
            "applicant_told_reason",
            "Explain why the applicant is not told the outcome, in a sentence or more",
        )
    return problems


def decision_blockers(application: Application, *, outcome: str, **kwargs: Any) -> list[str]:
    """The messages of decision_problems: what must change before this decision can be recorded."""
    return [problem.message for problem in decision_problems(application, outcome=outcome, **kwargs)]


@transaction.atomic
def decision_record(
    *,
    application: Application,
    version: int,
    outcome: str,
    forum: str,
    rationale: str,
    minutes: Minutes | None = None,
    presumption_applies: bool,
    presumption_rebuttal: str = "",
    referred_to: str = "",
    recipient_is_applicant: bool,
    recipient_best_placed: str = "",
    applicant_told: str,
    applicant_told_reason: str = "",
    by: "User",
) -> Application:
    """Record the decision: refused with the first problem decision_problems finds."""
    _require_manager(by, application)
    stored = _locked(application, version)
    if outcome_complete(stored) or stored.non_disclosure_communicated_at is not None:
        raise ApplicationError("The outcome has been recorded, so the decision can no longer be changed")
    if minutes is not None:
        minutes = Minutes.objects.select_related("agenda_item", "agenda_item__meeting").get(pk=minutes.pk)
    problems = decision_problems(
        stored,
        outcome=outcome,
        forum=forum,
        minutes=minutes,
        rationale=rationale,
        presumption_applies=presumption_applies,
        presumption_rebuttal=presumption_rebuttal,
        referred_to=referred_to,
        recipient_is_applicant=recipient_is_applicant,
        recipient_best_placed=recipient_best_placed,
        applicant_told=applicant_told,
        applicant_told_reason=applicant_told_reason,
    )
    if problems:
        raise ApplicationError(problems[0].message, field=problems[0].field)
    told = applicant_told != ApplicantTold.OUTCOME
    rebutted = presumption_applies and outcome != SchemeOutcome.DISCLOSE
    values: dict[str, Any] = {
        "outcome": outcome,
        "forum": forum,
        "decision_minutes": minutes if forum == MAPPA_FORUM else None,
        "decision_rationale": rationale.strip(),
        "presumption_applies": presumption_applies,
        "presumption_rebuttal": presumption_rebuttal.strip() if rebutted else "",
        "referred_to": referred_to.strip() if outcome == SchemeOutcome.REFER else "",
        "recipient_is_applicant": recipient_is_applicant,
        "recipient_best_placed": "" if recipient_is_applicant else recipient_best_placed.strip(),
        "applicant_told": applicant_told,
        "applicant_told_reason": applicant_told_reason.strip() if told else "",
    }
    first_time = stored.decided_at is None
    changed = _apply(stored, values)
    if not changed:
        return stored
    stored.decided_at, stored.decided_by = timezone.now(), by
    changed += ["decided_at", "decided_by"]
    _save(stored, changed)
    _event(
        stored,
        by,
        Action.COLLECTION if first_time else Action.ALTERATION,
        "Disclosure scheme decision recorded" if first_time else "Disclosure scheme decision changed",
        changed,
    )
    return stored


# --- the outcomes -------------------------------------------------------------------------------


def non_disclosure_ways(application: Application) -> list[tuple[str, str]]:
    """The ways a non-disclosure may reach this applicant: in person, or a safe way they gave
    (rule 19), written ways only where the scheme sends a non-disclosure in writing."""
    allowed = []
    for code, label in NON_DISCLOSURE_WAYS.items():
        if code != "in_person" and code not in (application.safe_contact_ways or []):
            continue
        if code in WRITTEN_WAYS and application.scheme not in WRITTEN_NON_DISCLOSURE_SCHEMES:
            continue
        allowed.append((code, label))
    return allowed


def _as_datetime(value: date | datetime | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    # A date alone: midday London time, so it shows as that day whatever the clocks do.
    return timezone.make_aware(datetime.combine(value, time(12)))


@transaction.atomic
def non_disclosure_record(
    *,
    application: Application,
    version: int,
    communicated_at: date | datetime | None,
    how: str,
    support_referral: str,
    by: "User",
) -> Application:
    """Record that a decision not to disclose was communicated, how, and the support offered."""
    _require_manager(by, application)
    stored = _locked(application, version)
    if stored.outcome != SchemeOutcome.DO_NOT_DISCLOSE:
        raise ApplicationError("Record a decision not to disclose before recording its communication")
    when = _as_datetime(communicated_at)
    if when is None:
        raise ApplicationError("Enter the date the decision was communicated", field="communicated_at")
    if timezone.localdate(when) > timezone.localdate():
        raise ApplicationError(
            "The date the decision was communicated must be today or in the past", field="communicated_at"
        )
    if stored.decided_at is not None and timezone.localdate(when) < timezone.localdate(stored.decided_at):
        raise ApplicationError(
            "The date the decision was communicated cannot be before the decision was made",
            field="communicated_at",
        )
    ways = dict(non_disclosure_ways(stored))
    if how not in ways:
        if how in WRITTEN_WAYS and stored.scheme not in WRITTEN_NON_DISCLOSURE_SCHEMES:
            scheme = _edition(stored).short_name
            message = f"Nothing is put in writing under the {scheme} scheme: choose another way"
        elif how in NON_DISCLOSURE_WAYS:
            message = "That is not a way the applicant said is safe to contact them: choose another way"
        else:
            message = "Select how the decision was communicated"
        raise ApplicationError(message, field="how")
    # Rule 26: support is offered at non-disclosure too, and what was offered is recorded.
    support = _text(
        support_referral, field="support_referral", missing="Enter the support offered to the applicant"
    )
    changed = _apply(
        stored,
        {"non_disclosure_communicated_at": when, "non_disclosure_how": how, "support_referral": support},
    )
    if not changed:
        return stored
    _save(stored, changed)
    _event(stored, by, Action.COLLECTION, "Disclosure scheme non-disclosure recorded", changed)
    return stored


@transaction.atomic
def referral_record(
    *, application: Application, version: int, support_referral: str, by: "User"
) -> Application:
    """Record, for a decision to refer, what was referred and the support offered (rule 26)."""
    _require_manager(by, application)
    stored = _locked(application, version)
    if stored.outcome != SchemeOutcome.REFER:
        raise ApplicationError("Record a decision to refer before recording the referral")
    support = _text(
        support_referral,
        field="support_referral",
        missing="Enter what was referred and the support offered to the applicant",
    )
    changed = _apply(stored, {"support_referral": support})
    if not changed:
        return stored
    _save(stored, changed)
    _event(stored, by, Action.COLLECTION, "Disclosure scheme referral recorded", changed)
    return stored
