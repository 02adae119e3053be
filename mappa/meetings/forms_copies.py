"""Forms of the copy pages: the chair naming a recipient, asking the chair's permission, and the
chair's decision. They collect the answers; services_copies.py checks every rule again."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from mappa.accounts.models import User
from mappa.meetings.models import CopyRequestKind
from mappa.web.forms import GovukForm

_MAX = 5000


def _reason(
    label: str, hint: str, missing: str, *, required: bool = True, max_length: int = _MAX
) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": missing, "max_length": f"Enter {max_length} characters or fewer"},
    )


class UserChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """People are told apart by their name and username: two staff may share a name."""

    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.username})" if name else str(obj.username)


def _user_field(
    label: str, hint: str, missing: str, users: QuerySet[User], *, required: bool
) -> UserChoiceField:
    return UserChoiceField(
        queryset=users,
        label=label,
        help_text=hint,
        required=required,
        empty_label="Choose someone",
        error_messages={"required": missing, "invalid_choice": missing},
    )


class RecipientForm(GovukForm):
    """The chair names someone in mappa who receives the minutes."""

    reason = _reason(
        "Why do they need the minutes?",
        "For example, the new case manager from 1 December. Recorded with the distribution list.",
        "Enter why they need the minutes",
        max_length=300,
    )

    def __init__(self, users: QuerySet[User], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"] = _user_field(
            "Who should receive them?",
            "Staff of the agencies of the meeting's area",
            "Select who should receive the minutes",
            users,
            required=True,
        )
        self.order_fields(["user", "reason"])


class CopyRequestForm(GovukForm):
    """Everything is on the page at once, so it works without JavaScript; only the recipient
    fields the chosen kind needs are required (by the service)."""

    kind = forms.ChoiceField(
        label="What do you need the chair's permission for?",
        choices=[
            (CopyRequestKind.COPY.value, "To copy the minutes to someone in mappa"),
            (CopyRequestKind.DISCLOSE.value, "To disclose their content to someone outside MAPPA"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select what you need the chair's permission for"},
    )
    recipient_name = forms.CharField(
        label="Name of the person outside MAPPA",
        help_text="Only for a disclosure. They receive the executive summary, never the minutes.",
        required=False,
        max_length=200,
        error_messages={"max_length": "Enter 200 characters or fewer"},
    )
    recipient_organisation = forms.CharField(
        label="Their organisation",
        help_text="Only for a disclosure",
        required=False,
        max_length=200,
        error_messages={"max_length": "Enter 200 characters or fewer"},
    )
    reason = _reason(
        "Why do they need it?",
        "What they will do with it, and why they cannot do it without. The chair decides on this.",
        "Enter why they need it",
    )

    def __init__(self, users: QuerySet[User], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient_user"] = _user_field(
            "Who in mappa should have a copy?",
            "Only for a copy: staff of the agencies of the meeting's area",
            "Select who should have a copy",
            users,
            required=False,
        )
        self.order_fields(["kind", "recipient_user", "recipient_name", "recipient_organisation", "reason"])


class DecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("grant", "Grant permission"), ("refuse", "Refuse permission")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select your decision"},
    )
    reason = _reason(
        "Reason for your decision",
        "Needed if you refuse. The person who asked sees it.",
        "",
        required=False,
    )
