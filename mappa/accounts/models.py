from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac

from mappa.agencies.models import Agency
from mappa.authorization.roles import ROLES
from mappa.core.models import ServiceWrittenModel, TimeStampedModel


class User(AbstractUser):
    """A person who signs in. What they may do comes from their agency memberships, not from here.

    `is_staff`/`is_superuser` only matter to Django's admin, which production does not install.
    Users are deactivated, never deleted, so the audit log's actor ids always mean someone.
    """

    # Raised to end every session the user has (see _get_session_auth_hash).
    session_epoch = models.PositiveIntegerField(default=0)

    # The membership the user is acting under for this request; set by the middleware from the
    # session, or by accounts.services.act_as. Not a database field.
    acting_membership: "AgencyMembership | None" = None

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("users are deactivated, never deleted")

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Django signs each session with a hash of the password and checks it on every request,
        # so changing the password ends other sessions. Mixing in session_epoch lets us end them
        # for other reasons too (a lost authenticator) without touching the password.
        key_salt = "mappa.accounts.models.User.get_session_auth_hash"
        return salted_hmac(
            key_salt, f"{self.password}:{self.session_epoch}", secret=secret, algorithm="sha256"
        ).hexdigest()


class AgencyMembership(ServiceWrittenModel, TimeStampedModel):
    """A user's place in one agency, with the roles they hold there."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    roles = models.JSONField(default=list)
    job_title = models.CharField(max_length=120, blank=True)
    is_active = models.BooleanField(default=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "agency"], name="membership_one_per_agency"),
            # Paired state: a deactivated membership records when.
            models.CheckConstraint(
                condition=models.Q(is_active=True, deactivated_at__isnull=True)
                | models.Q(is_active=False, deactivated_at__isnull=False),
                name="membership_deactivated_at_paired",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.agency}"

    def role_names(self) -> list[str]:
        return [ROLES[code].display_name for code in self.roles if code in ROLES]


class NoticeAcceptance(models.Model):
    """That a user accepted a version of the acceptable-use and confidentiality notice, and when."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="notice_acceptances")
    version = models.PositiveIntegerField()
    accepted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "version"], name="notice_accepted_once_per_version"),
        ]

    def __str__(self) -> str:
        return f"{self.user} accepted notice v{self.version}"
