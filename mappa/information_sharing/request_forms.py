"""Forms of the request pages: asking an owner for access or for leave to pass items on, and the
owner's refusal. The services validate every rule again; these only collect the answers."""

from typing import Any, cast

from django import forms

from mappa.agencies.models import Agency, AgreementPurpose
from mappa.web.forms import GovukForm

_REASON_ROWS = {"rows": 5}


def _reason(label: str, hint: str, missing: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        max_length=5000,
        widget=forms.Textarea(attrs=_REASON_ROWS),
        error_messages={"required": missing},
    )


class AccessRequestForm(GovukForm):
    purpose = forms.ChoiceField(
        label="What does your agency need it for?",
        choices=AgreementPurpose.choices,
        initial=AgreementPurpose.MAPPA,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what your agency needs it for"},
    )
    reason = _reason(
        "Why does your agency need this information?",
        "",
        "Enter why your agency needs this information",
    )

    def __init__(self, owner: Agency, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        hint = f"Say what you need and why. This goes to {owner.name}, who decides whether to share."
        self.fields["reason"].help_text = hint


class DecisionReasonForm(GovukForm):
    """Declining an access request, or refusing an onward-sharing request: the reason is required."""

    reason = _reason("Why are you declining?", "", "Enter why you are declining")

    def __init__(self, requester: Agency, *args: Any, verb: str = "declining", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.label = f"Why are you {verb}?"
        field.error_messages["required"] = f"Enter why you are {verb}"
        field.help_text = f"Your refusal and your reason are recorded, and {requester.name} will see them."


class ConfirmForm(GovukForm):
    """A confirmation with no questions (withdrawing a request): somewhere to put a refusal."""


class OnwardRequestForm(GovukForm):
    items = forms.TypedMultipleChoiceField(
        label="Which items do you want to pass on?",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the items you want to pass on"},
    )
    target_agency = forms.TypedChoiceField(
        label="Which agency do you want to pass them to?",
        coerce=int,
        empty_value=None,
        error_messages={
            "required": "Select the agency you want to pass them to",
            "invalid_choice": "Select the agency you want to pass them to",
        },
    )
    reason = _reason(
        "Why does the other agency need them?",
        "Say what the other agency will do with them. This goes to the agency that owns the information.",
        "Enter why the other agency needs them",
    )

    def __init__(
        self, items: list[tuple[int, str]], agencies: list[Agency], *args: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedMultipleChoiceField, self.fields["items"]).choices = items
        cast(forms.TypedChoiceField, self.fields["target_agency"]).choices = [
            ("", "Choose an agency"),
            *((a.pk, a.name) for a in agencies),
        ]
