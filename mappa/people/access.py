"""Single person records: the same 404 for missing and not allowed, and every view logged."""

from django.http import Http404

from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.exceptions import PermissionDenied
from mappa.core.types import AnyUser
from mappa.people.models import Person, PersonLink
from mappa.people.selectors import person_links, person_list
from mappa.people.services import person_consulted


def access_person(user: AnyUser, pk: int) -> Person:
    """The person record if the user may see it; the consultation is recorded before returning."""
    person = (
        person_list(fetched_by=user)
        .filter(pk=pk)
        .prefetch_related("names", "dates_of_birth", "addresses", "identifiers")
        .first()
    )
    if person is None:
        raise Http404("No such person")
    person_consulted(person=person, by=user)
    return person


def access_person_for_change(user: AnyUser, pk: int) -> Person:
    """The person record if the user may change it: only its own agency, with PERSON_CREATE.

    A record the user cannot see is the same 404 as a missing one; a record they can see but
    another agency holds is refused (403), and neither records a consultation. The change page
    shows the record, so opening it is recorded as one.
    """
    person = (
        person_list(fetched_by=user)
        .filter(pk=pk)
        .prefetch_related("names", "dates_of_birth", "addresses", "identifiers")
        .first()
    )
    if person is None:
        raise Http404("No such person")
    if not has_permission(user, Permission.PERSON_CREATE, agency=person.source_agency):
        raise PermissionDenied("Only the agency that recorded this person can change the record")
    person_consulted(person=person, by=user)
    return person


def access_link(user: AnyUser, person: Person, pk: int) -> PersonLink:
    """A link decision about a person the user may see, between two records they may see."""
    link = person_links(person=person, fetched_by=user).filter(pk=pk).first()
    if link is None:
        raise Http404("No such link")
    return link
