import os

from django.test import Client

from mappa.accounts.middleware import SESSION_ACTING_MEMBERSHIP, SESSION_TWO_FACTOR_SKIPPED
from mappa.accounts.models import User

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse ORM
# calls from it (SynchronousOnlyOperation). Only the functional tests use it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def signed_in_client(user: User, *, skip_two_factor: bool = True) -> Client:
    """A Client signed in as `user`, acting for their first active membership, past every gate."""
    client = Client()
    client.force_login(user)
    session = client.session
    membership = user.acting_membership or user.memberships.filter(is_active=True).first()
    if membership is not None:
        session[SESSION_ACTING_MEMBERSHIP] = membership.pk
    if skip_two_factor:
        session[SESSION_TWO_FACTOR_SKIPPED] = True
    session.save()
    return client
