"""Audit the authentication events Django and django-axes signal.

Failed sign-ins name the username tried but never the password (ASVS 5 §16.2.5).
"""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest

from mappa.accounts.models import User
from mappa.accounts.selectors import home_agency_id
from mappa.audit.models import Action
from mappa.audit.services import record_event


def _agency_of(user: Any) -> int | None:
    return home_agency_id(user)


def _user_named(username: str) -> User | None:
    return User.objects.filter(username__iexact=username).first() if username else None


@receiver(user_logged_in)
def _signed_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    with transaction.atomic():
        record_event(
            action=Action.SIGN_IN,
            actor=user,
            summary="Signed in with password",
            object_type="user",
            object_id=user.pk,
            object_agency_id=_agency_of(user),
            detail={"factor": "password"},
        )


@receiver(user_logged_out)
def _signed_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    reason = getattr(request, "sign_out_reason", "user")
    with transaction.atomic():
        record_event(
            action=Action.SIGN_OUT,
            actor=user,
            summary={"idle": "Signed out after inactivity", "expired": "Signed out: session too old"}.get(
                reason, "Signed out"
            ),
            object_type="user",
            object_id=user.pk,
            object_agency_id=_agency_of(user),
            detail={"reason": reason},
        )


@receiver(user_login_failed)
def _sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:150]
    with transaction.atomic():
        record_event(
            action=Action.SIGN_IN_FAILED, actor_username=username, summary="Wrong username or password"
        )


@receiver(user_locked_out)
def _locked_out(sender: Any, request: HttpRequest, username: str | None = None, **kwargs: Any) -> None:
    known = _user_named(username or "")
    with transaction.atomic():
        record_event(
            action=Action.LOCKED_OUT,
            actor_username=(username or "")[:150],
            summary="Account locked after repeated failed sign-ins",
            object_type="user" if known else "",
            object_id=known.pk if known else "",
            object_agency_id=_agency_of(known) if known else None,
        )
