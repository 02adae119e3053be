from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from mappa.accounts.models import User

    AnyUser: TypeAlias = "User | AnonymousUser"
else:
    AnyUser = Any
