"""The disclosures section of a nominal's overview (registered in panel.py).

The view has already opened the nominal (and recorded the consultation); this section reads
only through the disclosures selectors, so it lists only the disclosures the user's agency takes
part in (selectors.disclosure_list), by reference, state, outcome and flags, never their
recipients or content, which open on each record's page (access.open_disclosure records that).
"""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.panels import Panel
from mappa.disclosures import selectors
from mappa.disclosures.models import Disclosure
from mappa.nominals.models import Nominal

# The case page shows the latest few; the list page shows them all.
PANEL_LIMIT = 5


@dataclass(frozen=True)
class PanelRow:
    disclosure: Disclosure
    overdue: bool


class DisclosuresPanel:
    # After the meetings (20), the plan (25) and the assessments (30).
    order = 35

    def panel(self, request: HttpRequest, nominal: Nominal) -> Panel | None:
        user = request.user
        if not has_permission(user, Permission.DISCLOSURE_VIEW):
            return None
        disclosures = selectors.nominal_disclosures(nominal_id=nominal.pk, fetched_by=user)
        today = timezone.localdate()
        rows = [PanelRow(d, selectors.delivery_overdue(d, today=today)) for d in disclosures[:PANEL_LIMIT]]
        awaiting = selectors.items_awaiting_agreement(fetched_by=user).filter(
            disclosure__nominal_id=nominal.pk
        )
        context = {
            "nominal": nominal,
            "rows": rows,
            "count": disclosures.count(),
            "list_url": reverse("disclosures:disclosure-list", args=[nominal.pk]),
            "propose_url": reverse("disclosures:disclosure-create", args=[nominal.pk])
            if has_permission(user, Permission.DISCLOSURE_RECORD) and not nominal.is_exited
            else None,
            "awaiting_agreement": awaiting.count(),
            "agreements_url": reverse("disclosures:disclosure-agreements"),
        }
        return Panel("disclosures/panel_nominal.html", context)
