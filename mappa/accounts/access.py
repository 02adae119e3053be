from django.http import Http404

from mappa.accounts.models import AgencyMembership
from mappa.accounts.selectors import membership_list
from mappa.core.types import AnyUser


def access_membership(user: AnyUser, pk: int) -> AgencyMembership:
    """One membership the user may administer, or 404 whether it is missing or not theirs to see.

    Going through membership_list means the same scoping applies as on the list page: only an
    agency administrator, acting for that membership's agency.
    """
    membership = membership_list(fetched_by=user).filter(pk=pk).first()
    if membership is None:
        raise Http404("No such user")
    return membership
