"""Reads of a nominal's risk work, always scoped to the asking user (default deny).

Risk assessments and persons at risk are read by anyone holding RISK_VIEW who can see the
nominal (nominals.selectors.nominal_list): the RoSH levels and who is at risk inform every
agency's part in the plan (access.py says why). Without RISK_VIEW, or for a nominal the user
cannot see, every read here is empty, so a page built on them shows nothing rather than
something it should not.

Which parts of an assessment a user reads (the factors and scenarios) is the object rule
access.sees_assessment_detail; these selectors return whole rows and the pages apply it.
"""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from mappa.core.types import AnyUser
from mappa.nominals.models import Nominal
from mappa.nominals.selectors import nominal_list
from mappa.people.models import Person, PersonName
from mappa.people.selectors import person_list
from mappa.risk_management.access import can_view_risk
from mappa.risk_management.models import (
    ROSH_GROUPS,
    ROSH_ORDER,
    PersonAtRisk,
    RiskAssessment,
    RoshLevel,
)


def _nominal_visible(nominal: Nominal, user: AnyUser) -> bool:
    return nominal_list(fetched_by=user).filter(pk=nominal.pk).exists()


# --- every row the user may see (for the access functions) ------------------------------------


def assessment_scope(*, fetched_by: AnyUser) -> QuerySet[RiskAssessment]:
    """Every risk assessment on a nominal the user can see, given RISK_VIEW."""
    if not can_view_risk(fetched_by):
        return RiskAssessment.objects.none()
    return RiskAssessment.objects.filter(
        nominal__in=nominal_list(fetched_by=fetched_by).values("pk")
    ).select_related("nominal", "nominal__area", "assessing_agency", "recorded_by")


def person_at_risk_scope(*, fetched_by: AnyUser) -> QuerySet[PersonAtRisk]:
    """Every person or group at risk on a nominal the user can see, given RISK_VIEW."""
    if not can_view_risk(fetched_by):
        return PersonAtRisk.objects.none()
    return (
        PersonAtRisk.objects.filter(nominal__in=nominal_list(fetched_by=fetched_by).values("pk"))
        .select_related("nominal", "person", "recorded_by_agency", "recorded_by")
        .prefetch_related(
            # One query for the names of every linked person, in the order primary_name expects.
            Prefetch("person__names", queryset=PersonName.objects.order_by("id")),
            "person__dates_of_birth",
        )
    )


# --- one nominal's -----------------------------------------------------------------------------


def assessment_list(*, nominal: Nominal, fetched_by: AnyUser) -> QuerySet[RiskAssessment]:
    """The nominal's risk assessments, newest first (by the date assessed)."""
    if not can_view_risk(fetched_by) or not _nominal_visible(nominal, fetched_by):
        return RiskAssessment.objects.none()
    return (
        RiskAssessment.objects.filter(nominal_id=nominal.pk)
        .select_related("nominal", "nominal__area", "assessing_agency", "recorded_by")
        .order_by("-assessed_on", "-id")
    )


def latest_assessment(*, nominal: Nominal, fetched_by: AnyUser) -> RiskAssessment | None:
    return assessment_list(nominal=nominal, fetched_by=fetched_by).first()


def person_at_risk_list(
    *, nominal: Nominal, fetched_by: AnyUser, active_only: bool = False
) -> QuerySet[PersonAtRisk]:
    """The nominal's persons and groups at risk, in the order recorded; `active_only` leaves out
    those no longer at risk (kept, since past plans refer to them)."""
    if not can_view_risk(fetched_by) or not _nominal_visible(nominal, fetched_by):
        return PersonAtRisk.objects.none()
    rows = (
        PersonAtRisk.objects.filter(nominal_id=nominal.pk)
        .select_related("nominal", "person", "recorded_by_agency", "recorded_by")
        .prefetch_related(
            # One query for the names of every linked person, in the order primary_name expects.
            Prefetch("person__names", queryset=PersonName.objects.order_by("id")),
            "person__dates_of_birth",
        )
        .order_by("id")
    )
    return rows.filter(ended_on__isnull=True) if active_only else rows


# --- the people index, for linking a person at risk ---------------------------------------------


def linkable_person(*, record_number: int, fetched_by: AnyUser) -> Person | None:
    """The person record with this number if the user may see it; None whether it is missing or
    hidden, so a guessed number reveals nothing (the service checks it again)."""
    return (
        person_list(fetched_by=fetched_by)
        .filter(pk=record_number)
        .prefetch_related("names", "dates_of_birth")
        .first()
    )


def visible_person_ids(*, persons_at_risk: list[PersonAtRisk], fetched_by: AnyUser) -> set[int]:
    """Which linked person records the user could open, so a page links only to those.

    Reading the list of persons at risk shows each linked person's name (the plan needs it);
    opening their record in the people index is a separate right (people.selectors).
    """
    ids = {par.person_id for par in persons_at_risk if par.person_id is not None}
    if not ids:
        return set()
    return set(person_list(fetched_by=fetched_by).filter(pk__in=ids).values_list("pk", flat=True))


# --- RoSH, for the pages' tags ------------------------------------------------------------------


@dataclass(frozen=True)
class Rosh:
    """One group's risk of serious harm: `level` is the stored value (the tag's colour), `label`
    the words shown."""

    group: str
    level: str
    label: str


def rosh_by_group(assessment: RiskAssessment) -> list[Rosh]:
    """The groups assessed, in the order OASys lists them; groups not assessed are left out."""
    return [
        Rosh(group=group, level=value, label=str(RoshLevel(value).label))
        for field, group in ROSH_GROUPS.items()
        if (value := getattr(assessment, field))
    ]


def highest_rosh(assessment: RiskAssessment) -> Rosh | None:
    levels = rosh_by_group(assessment)
    if not levels:
        return None
    top = max(levels, key=lambda rosh: ROSH_ORDER.index(RoshLevel(rosh.level)))
    return Rosh(group="Highest", level=top.level, label=top.label)
