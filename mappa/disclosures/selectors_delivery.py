"""Reads for preparing, delivering and reviewing disclosures: the dashboard's lists, the record's
child rows and the people who may deliver.

Every list is built on selectors.disclosure_list, so it shows only the disclosures the asking
user's agency takes part in, and nothing without DISCLOSURE_VIEW. Nothing "overdue" is stored:
whether a planned delivery is late is worked out when read, so it can never go stale and needs
no nightly job (ADR 0015; disclosure_dp.md §5.1 rule 14, "alert if not delivered by the planned
date").
"""

from django.db.models import Q, QuerySet
from django.utils import timezone

from mappa.accounts.models import AgencyMembership, User
from mappa.authorization.roles import RESPONSIBLE_AUTHORITY
from mappa.core.types import AnyUser
from mappa.disclosures.models import (
    Disclosure,
    DisclosureStatus,
    DisclosureTrigger,
    Outcome,
)
from mappa.disclosures.selectors import delivery_overdue, disclosure_list

# The dashboard shows at most this many rows in each list, the most pressing first.
LIST_LIMIT = 50

# Waiting for the disclosure to be made: decided to disclose, prepared, or returned to the
# decision-maker after a refused undertaking. Only these can be late (selectors.delivery_overdue).
_AWAITING_DELIVERY = Q(status=DisclosureStatus.DECIDED, outcome=Outcome.DISCLOSE) | Q(
    status__in=(DisclosureStatus.PREPARED, DisclosureStatus.RETURNED)
)
# Waiting for the review that closes the record: a disclosure made, or a decision not to make one
# (which is reviewed with the same care: rule 16).
_AWAITING_REVIEW = Q(status=DisclosureStatus.DELIVERED) | Q(
    status=DisclosureStatus.DECIDED, outcome=Outcome.DO_NOT_DISCLOSE
)
_CLOSED = (DisclosureStatus.REVIEWED, DisclosureStatus.WITHDRAWN)


# One definition of "overdue" for the dashboard, the list and the record page.
is_delivery_overdue = delivery_overdue


def overdue_deliveries(*, fetched_by: AnyUser) -> QuerySet[Disclosure]:
    """Disclosures not yet made whose planned delivery date has passed, the longest overdue first."""
    return (
        disclosure_list(fetched_by=fetched_by)
        .filter(_AWAITING_DELIVERY, planned_delivery_date__lt=timezone.localdate())
        .order_by("planned_delivery_date", "pk")
    )


def open_disclosures(*, fetched_by: AnyUser) -> QuerySet[Disclosure]:
    """Everything not yet reviewed or withdrawn, the most recently changed first."""
    return disclosure_list(fetched_by=fetched_by).exclude(status__in=_CLOSED).order_by("-updated_at", "-pk")


def awaiting_review(*, fetched_by: AnyUser) -> QuerySet[Disclosure]:
    """Delivered disclosures and decisions not to disclose, waiting for their review; oldest first."""
    return disclosure_list(fetched_by=fetched_by).filter(_AWAITING_REVIEW).order_by("updated_at", "pk")


# --- one record's triggers: callers have already opened the record through access.py ----------


def disclosure_triggers(*, disclosure: Disclosure) -> QuerySet[DisclosureTrigger]:
    return DisclosureTrigger.objects.filter(disclosure_id=disclosure.pk).order_by("id")


# --- a trigger reached by its own id: the same 404 for missing and hidden ----------------------


def trigger_list(*, fetched_by: AnyUser) -> QuerySet[DisclosureTrigger]:
    """Triggers of the disclosures the user can see (and no others)."""
    visible = disclosure_list(fetched_by=fetched_by).values("pk")
    return DisclosureTrigger.objects.filter(disclosure__in=visible).select_related("disclosure")


# --- who may deliver ----------------------------------------------------------------------------


def deliverer_choices(*, disclosure: Disclosure) -> QuerySet[User]:
    """Who may be planned to deliver: an active user with an active membership of an active
    Responsible Authority agency serving the nominal's area (police and probation make
    disclosures, often jointly), or of the agency that proposed it (for a scheme disclosure about
    someone who is not a nominal, only that: the receiving force). Nobody from an agency outside
    the case is sent to tell a victim what MAPPA knows."""
    members = AgencyMembership.objects.filter(is_active=True, agency__is_active=True, user__is_active=True)
    from_agencies = Q(agency_id=disclosure.proposing_agency_id)
    if disclosure.nominal is not None:
        from_agencies |= Q(agency__kind__in=RESPONSIBLE_AUTHORITY, agency__areas=disclosure.nominal.area_id)
    members = members.filter(from_agencies)
    return User.objects.filter(pk__in=members.values("user_id")).order_by(
        "last_name", "first_name", "username"
    )
