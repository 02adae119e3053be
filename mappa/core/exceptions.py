from django.core.exceptions import PermissionDenied as DjangoPermissionDenied


class ApplicationError(Exception):
    """A domain rule refused an operation; the message is safe to show to the user."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class PermissionDenied(ApplicationError, DjangoPermissionDenied):
    """The acting user may not do this. Django turns it into the 403 page."""


class DirectWriteError(RuntimeError):
    """A sensitive model was saved or deleted outside its service layer."""
