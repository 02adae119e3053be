"""Factories for disclosure scheme applications, written directly (services are under test)."""

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import factory
from django.utils import timezone

from mappa.disclosure_schemes.models import Application, StageRecord, new_reference
from mappa.disclosure_schemes.schemes import current
from tests.factories.agencies import ServiceWrittenFactory


class ApplicationFactory(ServiceWrittenFactory):
    """A CSODS application just received (pass receiving_agency=, a police agency)."""

    if TYPE_CHECKING:

        def __new__(cls, *args: Any, **kwargs: Any) -> Application: ...

    class Meta:
        model = Application

    scheme = "csods"
    guidance_version = factory.LazyAttribute(lambda a: current(a.scheme).guidance_version)
    reference = factory.LazyAttribute(lambda a: new_reference(a.scheme))
    receiving_agency = None  # required
    received_at = factory.LazyFunction(timezone.now)
    stage = "initial_checks"
    applicant_name = factory.Faker("name")
    applicant_phone = "07700 900123"  # Ofcom's drama range: never a real number
    safe_contact_ways = factory.LazyFunction(lambda: ["phone"])
    safe_contact_times = "Weekdays between 9am and 3pm"
    relationship_to_children = "Mother"
    subject_name = factory.Faker("name")
    subject_access = "He is my new partner and stays at our home three nights a week."
    children = factory.LazyFunction(lambda: [{"name": "Synthetic Child", "age": "7"}])
    concern = "Synthetic concern: he avoids talking about his past and a neighbour said he was in prison."


def with_first_stage(application: Application) -> StageRecord:
    """The application's first stage record, due per its edition's target."""
    edition = current(application.scheme)
    stage = edition.stages[0]
    record = StageRecord(
        application=application,
        stage=stage.code,
        started_at=application.received_at,
        due_at=application.received_at + stage.target,
    )
    record.save(override=True)
    return record


def received_days_ago(days: int, **kwargs: Any) -> Application:
    application = ApplicationFactory(received_at=timezone.now() - timedelta(days=days), **kwargs)
    with_first_stage(application)
    return application


__all__ = ["ApplicationFactory", "received_days_ago", "with_first_stage"]


# Appended for the checks, decision and outcome tests (services_outcome.py, reports.py).


def verified(application: Application, by: Any) -> Application:
    """The applicant's identity verified in person by `by`."""
    application.identity_verified_at = timezone.now()
    application.identity_verified_by = by
    application.identity_evidence = "Synthetic: passport and a utility bill seen"
    application.save(override=True)
    return application


def checked(application: Application, by: Any, *, person: Any = None, nominal: Any = None) -> Application:
    """The checks recorded by `by`, naming `person` (and `nominal`) as the subject, or none."""
    application.subject_person = person
    application.subject_nominal = nominal
    application.checks_summary = "Synthetic: the checks found one relevant record."
    application.checks_recorded_at = timezone.now()
    application.checks_recorded_by = by
    if nominal is not None:
        application.lead_agency_told_at = timezone.now()
    application.save(override=True)
    return application


def decided(application: Application, by: Any, *, outcome: str, **fields: Any) -> Application:
    """A decision recorded by `by` (forum defaults to the edition's first)."""
    application.outcome = outcome
    application.forum = fields.pop("forum", current(application.scheme).forums[0])
    application.decision_rationale = "Synthetic: the rationale for the decision, recorded in full."
    application.applicant_told = fields.pop("applicant_told", "outcome")
    application.decided_at = timezone.now()
    application.decided_by = by
    for name, value in fields.items():
        setattr(application, name, value)
    application.save(override=True)
    return application


def stage_record(
    application: Application,
    stage: str,
    *,
    due_days: float,
    completed_days: float | None = None,
    by: Any = None,
) -> StageRecord:
    """A stage of `application`, due `due_days` after receipt and completed `completed_days`
    after receipt (or not completed)."""
    record = StageRecord(
        application=application,
        stage=stage,
        started_at=application.received_at,
        due_at=application.received_at + timedelta(days=due_days),
    )
    if completed_days is not None:
        record.completed_at = application.received_at + timedelta(days=completed_days)
        record.completed_by = by
    record.save(override=True)
    return record


__all__ += ["checked", "decided", "stage_record", "verified"]


# Appended for the police side (services_applications.py, views_police.py).


def scheme_officer(agency: Any) -> Any:
    """A disclosure scheme officer of `agency` (a police agency)."""
    from tests.factories.accounts import member

    return member(["disclosure_scheme_officer"], agency=agency)


def received_under(key: str, *, received_at: Any = None, **kwargs: Any) -> Application:
    """An application received under edition `key` ("dvds-2016"), with its first stage record
    due per that edition (not the current one)."""
    from mappa.disclosure_schemes.schemes import edition

    scheme_edition = edition(key)
    application = ApplicationFactory(
        scheme=scheme_edition.code,
        guidance_version=scheme_edition.guidance_version,
        received_at=received_at or timezone.now(),
        **kwargs,
    )
    first = scheme_edition.stages[0]
    StageRecord(
        application=application,
        stage=first.code,
        started_at=application.received_at,
        due_at=application.received_at + first.target,
    ).save(override=True)
    return application


__all__ += ["received_under", "scheme_officer"]


# Appended for delivering a decision to disclose (services_delivery.py, views_delivery.py).

START_ANSWERS = {
    "information_summary": "Synthetic: he has a conviction for a sexual offence against a child in 2012.",
    "offender_risk": "Synthetic: a risk of harassment if it became known locally; outweighed by the risk "
    "to the child, and managed by the recipient's undertaking.",
    "recipient_kind": "parent_guardian",
    "recipient_name": "Synthetic Recipient",
    "recipient_relationship": "Mother of the child named in the application",
    "identity_confirmed_how": "Synthetic: passport seen at the face-to-face meeting",
    "why_right_person": "Synthetic: she has day-to-day care of the child and can protect her.",
}


def to_disclose(
    application: Application, by: Any, *, person: Any, nominal: Any = None, **fields: Any
) -> Application:
    """Verified, checked (linking `person`) and decided "disclose" by `by`."""
    verified(application, by)
    checked(application, by, person=person, nominal=nominal)
    return decided(application, by, outcome="disclose", **fields)


def disclosure_delivered(disclosure: Any, by: Any, *, undertaking: str = "signed") -> Any:
    """Take a started scheme disclosure through its own services to delivered, as `by` (a scheme
    officer of the receiving force): prepared, one trigger, the offender told afterwards, planned
    for today with `by` delivering, delivered in person with the undertaking signed."""
    from mappa.disclosures import services_delivery as delivery
    from mappa.disclosures.models import Disclosure

    def fresh() -> Disclosure:
        return Disclosure.objects.get(pk=disclosure.pk)

    delivery.preparation_record(
        disclosure=fresh(),
        version=fresh().version,
        recipient_already_knows="Synthetic: only that the application was made.",
        confidentiality_understood=True,
        how_to_use="Synthetic: only to keep the child safe.",
        what_to_report="Synthetic: any contact with the child, to the police on 101.",
        contact_and_support="Synthetic: the scheme officer, and the local family support service.",
        breakdown_support="Synthetic: the neighbourhood team visits if the relationship ends.",
        by=by,
    )
    delivery.trigger_add(
        disclosure=fresh(),
        version=fresh().version,
        if_you_see="Synthetic: him alone with the child",
        you_need_to="Synthetic: call 999",
        by=by,
    )
    delivery.offender_involvement_record(
        disclosure=fresh(), version=fresh().version, involvement="confirms_after", by=by
    )
    delivery.delivery_plan(
        disclosure=fresh(),
        version=fresh().version,
        deliverer=by,
        planned_delivery_date=timezone.localdate(),
        by=by,
    )
    delivery.disclosure_mark_prepared(disclosure=fresh(), version=fresh().version, by=by)
    row = fresh()
    return delivery.disclosure_deliver(
        disclosure=row,
        version=row.version,
        delivered_at=timezone.now(),
        method="in_person",
        undertakings={recipient.pk: undertaking for recipient in row.recipients.all()},
        by=by,
    )


__all__ += ["START_ANSWERS", "disclosure_delivered", "to_disclose"]
