"""Small helpers every page view shares: the signed-in user, the bound form data, and a
service's refusal put on the form. Views of every app use these rather than their own copies.
"""

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.web.forms import GovukForm

if TYPE_CHECKING:
    from mappa.accounts.models import User


def signed_in_user(request: HttpRequest) -> "User":
    if not request.user.is_authenticated:  # LoginRequiredMiddleware makes this unreachable
        raise PermissionDenied("Sign in first")
    return request.user


def posted(request: HttpRequest) -> Any:
    # Not `request.POST or None`: an empty POST must still be validated, and refused.
    return request.POST if request.method == "POST" else None


def refuse(form: GovukForm, error: ApplicationError) -> None:
    """Show a service's refusal on the field it names, or at the top of the form."""
    form.add_error(error.field if error.field in form.fields else None, error.message)
