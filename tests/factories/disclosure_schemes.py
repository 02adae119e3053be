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
