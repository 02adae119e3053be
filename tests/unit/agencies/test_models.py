from datetime import timedelta

import pytest
from django.utils import timezone

from mappa.agencies.models import AgreementStatus
from tests.factories.agencies import AgreementFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("days", "status", "overdue"),
    [
        (-1, AgreementStatus.ACTIVE, True),
        (0, AgreementStatus.ACTIVE, False),
        (1, AgreementStatus.DRAFT, False),
        (-1, AgreementStatus.ENDED, False),
    ],
)
def test_agreement_review_overdue_when_review_date_passed_and_not_ended(days, status, overdue):
    today = timezone.localdate()
    agreement = AgreementFactory(
        start_date=today - timedelta(days=400), review_date=today + timedelta(days=days), status=status
    )
    assert agreement.review_overdue is overdue
