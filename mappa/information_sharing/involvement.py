"""Owning items on a nominal, or holding an active share about it, involves an agency with it.

Registered with the nominals app (see apps.py): involvement decides whether a duty-to-co-operate
or associate agency's staff see the nominal at all, and it is the recorded justification when
they open it.
"""

from typing import Any

from django.db.models import Q, QuerySet

from mappa.information_sharing.models import InformationItem, ItemStatus, Share
from mappa.nominals.models import Nominal


class ItemInvolvement:
    def nominal_ids(self, *, agency_id: int) -> QuerySet[Any]:
        owned = InformationItem.objects.filter(owner_agency_id=agency_id, nominal__isnull=False).exclude(
            status=ItemStatus.ERASED
        )
        held = Share.objects.active().filter(recipient_agency_id=agency_id, nominal__isnull=False)
        return _ids(owned, held)

    def basis(self, *, agency_id: int, nominal_id: int) -> str | None:
        if (
            InformationItem.objects.filter(owner_agency_id=agency_id, nominal_id=nominal_id)
            .exclude(status=ItemStatus.ERASED)
            .exists()
        ):
            return "Owner of information items on the nominal"
        share = Share.objects.active().filter(recipient_agency_id=agency_id, nominal_id=nominal_id).first()
        if share is not None:
            return f"Holder of {share.reference} about the nominal"
        return None


def _ids(owned: QuerySet[InformationItem], held: QuerySet[Share]) -> QuerySet[Any]:
    # One subquery the caller can put in `pk__in`: nominals with an owned item or a held share.
    return Nominal.objects.filter(
        Q(pk__in=owned.values("nominal_id")) | Q(pk__in=held.values("nominal_id"))
    ).values("pk")
