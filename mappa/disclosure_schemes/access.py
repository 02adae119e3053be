"""One application, through its selector: one 404 for missing or hidden; every look logged.

Opening an application is a consultation of the personal data of the applicant, the children
and the subject (DPA 2018 s.62): the event is written before the application is returned, with
the officer's basis (scheme officer of the receiving police agency).
"""

from django.db import transaction
from django.http import Http404

from mappa.audit.models import Action
from mappa.audit.services import record_event
from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.types import AnyUser
from mappa.disclosure_schemes.models import Application
from mappa.disclosure_schemes.selectors import application_list


def access_application(user: AnyUser, pk: int, *, record: bool = True) -> Application:
    application = application_list(fetched_by=user).filter(pk=pk).first()
    if application is None:
        raise Http404("No such application")
    if record:
        with transaction.atomic():
            record_event(
                action=Action.CONSULTATION,
                actor=user,
                summary="Disclosure scheme application consulted",
                object_type="scheme_application",
                object_id=application.pk,
                object_agency_id=application.receiving_agency_id,
                nominal_id=application.subject_nominal_id,
                justification=f"Disclosure scheme officer of {application.receiving_agency.name}",
            )
    return application


def can_manage(user: AnyUser, application: Application) -> bool:
    """Work the application: a scheme officer of the receiving agency (the selector's scope)."""
    return (
        has_permission(user, Permission.SCHEME_APPLICATION_MANAGE)
        and application_list(fetched_by=user).filter(pk=application.pk).exists()
    )
