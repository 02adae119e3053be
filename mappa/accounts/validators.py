from typing import Any

from django.core.exceptions import ValidationError


class MaximumLengthValidator:
    """Refuse absurd lengths (argon2 hashes anything, but a 1 MB password is an attack, not a secret)."""

    def __init__(self, max_length: int = 128) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                f"Password must be {self.max_length} characters or fewer", code="password_too_long"
            )

    def get_help_text(self) -> str:
        return f"Your password can be up to {self.max_length} characters long."
