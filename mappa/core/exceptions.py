from django.core.exceptions import PermissionDenied as DjangoPermissionDenied


class ApplicationError(Exception):
    """A domain rule refused an operation; the message is safe to show to the user."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class PermissionDenied(DjangoPermissionDenied):
    """The acting user may not do this. Django turns it into the 403 page (which audits it).

    Deliberately not an ApplicationError: views catch those to show the message on the form, and
    a refusal must stay a refusal, never become a form error the user can retry around.
    """

    def __init__(self, message: str = "You do not have permission to do this") -> None:
        super().__init__(message)
        self.message = message


class DirectWriteError(RuntimeError):
    """A sensitive model was saved or deleted outside its service layer."""
