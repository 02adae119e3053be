from typing import TYPE_CHECKING, Any

import factory
from django.contrib.auth.hashers import make_password

from mappa.accounts.models import AgencyMembership, NoticeAcceptance, User
from mappa.accounts.notice import NOTICE_VERSION
from tests.factories.agencies import AgencyFactory, ServiceWrittenFactory

PASSWORD = "correct horse battery staple"
# Hash once: argon2 per user would make the suite crawl.
_PASSWORD_HASH = make_password(PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    if TYPE_CHECKING:
        # factory_boy is untyped: tell mypy that calling the factory returns the model.
        def __new__(cls, *args: Any, **kwargs: Any) -> User: ...

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    password = _PASSWORD_HASH

    @factory.post_generation
    def accepted_notice(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        # Users have accepted the current notice unless a test says otherwise.
        if create and extracted is not False:
            NoticeAcceptance.objects.create(user=self, version=NOTICE_VERSION, accepted_at=self.date_joined)


class MembershipFactory(ServiceWrittenFactory):
    if TYPE_CHECKING:
        # factory_boy is untyped: tell mypy that calling the factory returns the model.
        def __new__(cls, *args: Any, **kwargs: Any) -> AgencyMembership: ...

    class Meta:
        model = AgencyMembership

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    roles = factory.LazyFunction(lambda: ["practitioner"])


def member(roles: list[str] | None = None, agency: Any = None, **user_kwargs: Any) -> User:
    """A user with one active membership, acting under it (as the middleware would set it)."""
    kwargs: dict[str, Any] = {"roles": roles or ["practitioner"]}
    if agency is not None:
        kwargs["agency"] = agency
    if user_kwargs:
        kwargs["user"] = UserFactory(**user_kwargs)
    membership = MembershipFactory(**kwargs)
    user: User = membership.user
    user.acting_membership = membership
    return user
