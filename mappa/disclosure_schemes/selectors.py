"""Reads of scheme applications, scoped to the asking user (DESIGN.md §4 rule 2).

An application names a member of the public, the children they worry about and the person they
worry about, and whether the police know that person is itself sensitive. Only disclosure scheme
officers (SCHEME_APPLICATION_VIEW) of the police agency the application was sent to see it: not
other police staff, not other agencies, not other forces. A MAPPA nominal's lead agency is told
that an application concerns its case, but reads the application only if it is that police
agency.
"""

from django.db.models import QuerySet

from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.types import AnyUser
from mappa.disclosure_schemes.models import Application
from mappa.nominals.selectors import acting_agency


def application_list(*, fetched_by: AnyUser) -> QuerySet[Application]:
    if not has_permission(fetched_by, Permission.SCHEME_APPLICATION_VIEW):
        return Application.objects.none()
    agency = acting_agency(fetched_by)
    if agency is None:
        return Application.objects.none()
    return (
        Application.objects.filter(receiving_agency=agency)
        .select_related("receiving_agency")
        .order_by("received_at", "pk")
    )
