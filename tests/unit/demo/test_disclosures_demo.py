"""The demo's disclosures (mappa/demo/disclosures.py): one in each state the pages show, made
through the services, and idempotent."""

from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import QuerySet
from pytest_django import DjangoDbBlocker

from mappa.audit.models import Action, AuditEvent
from mappa.audit.services import verify_chain
from mappa.disclosures.models import Disclosure, DisclosureStatus, Outcome, RatificationStatus, Scheme
from mappa.disclosures.selectors_delivery import is_delivery_overdue

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_loaded")]


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def _mappa() -> QuerySet[Disclosure]:
    # The schemes' demo (schemes.py) delivers its decisions to disclose through this record too.
    return Disclosure.objects.filter(scheme=Scheme.MAPPA)


def test_a_disclosure_in_each_state() -> None:
    statuses = set(_mappa().values_list("status", flat=True))
    assert statuses == {
        DisclosureStatus.PROPOSED,
        DisclosureStatus.PREPARED,
        DisclosureStatus.DELIVERED,
        DisclosureStatus.RETURNED,
        DisclosureStatus.REVIEWED,
        DisclosureStatus.WITHDRAWN,
    }
    assert Disclosure.objects.filter(
        outcome=Outcome.DO_NOT_DISCLOSE, status=DisclosureStatus.REVIEWED
    ).exists()
    emergency = Disclosure.objects.get(ratification=RatificationStatus.PENDING)
    assert is_delivery_overdue(emergency)
    # A proposal drawing on another agency's item, waiting for that agency's agreement.
    proposed = Disclosure.objects.get(status=DisclosureStatus.PROPOSED)
    waiting = proposed.items.exclude(item__owner_agency=proposed.proposing_agency)
    assert waiting.filter(owner_agreed_by__isnull=True, owner_refused=False).exists()


def test_the_delivered_disclosure_wrote_the_disclosure_log_naming_the_recipient() -> None:
    delivered = _mappa().get(status=DisclosureStatus.DELIVERED)
    events = AuditEvent.objects.filter(
        action=Action.DISCLOSURE,
        object_type="disclosure",
        object_id__in=[str(pk) for pk in _mappa().values_list("pk", flat=True)],
    )
    assert [event.object_id for event in events] == [str(delivered.pk)]
    assert events.get().recipients == [
        f"{recipient.name} ({recipient.get_kind_display()})" for recipient in delivered.recipients.all()
    ]


def test_idempotent_and_audited() -> None:
    before = AuditEvent.objects.count()
    call_command("demo", stdout=StringIO())
    assert AuditEvent.objects.count() == before
    assert (
        AuditEvent.objects.filter(actor_username="system:demo", object_type="demo_disclosures").count() == 1
    )
    assert verify_chain().ok
