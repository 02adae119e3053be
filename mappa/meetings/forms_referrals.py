"""Forms of the referral pages: MAPPA A, the co-ordinator's screening, the referrer's answer and a
withdrawal. They collect the answers; the services check every rule again."""

from typing import Any, cast

from django import forms

from mappa.nominals.models import Level
from mappa.web.forms import GovukForm

_ROWS = {"rows": 6}
_MAX = 10000


def _text(
    label: str, hint: str, missing: str = "", *, required: bool = True, rows: int = 6
) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=required,
        max_length=_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": missing, "max_length": f"Enter {_MAX} characters or fewer"},
    )


def level_choices(levels: list[int]) -> list[tuple[int, str]]:
    return [(level, str(Level(level).label)) for level in levels]


class ReferralForm(GovukForm):
    """MAPPA A: the level proposed, why, the risk, and what the current level cannot manage."""

    proposed_level = forms.TypedChoiceField(
        label="Which level are you referring them to?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the level you are referring them to"},
    )
    reasons = _text(
        "Why are you referring them?",
        "Their behaviour and attitudes, offending patterns, and information from other agencies that "
        "makes you think multi-agency management is needed",
        "Enter why you are referring them",
    )
    risk_summary = _text(
        "Summary of the risk they pose (optional)",
        "Who is at risk, of what, and when the risk is greatest, from your agency's latest assessment",
        required=False,
    )
    current_level_gaps = _text(
        "What cannot be managed at their current level?",
        "For level 3, say which parts of the risk management plan cannot be delivered at level 2",
        "Enter what cannot be managed at their current level",
    )

    def __init__(self, levels: list[int], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["proposed_level"]).choices = level_choices(levels)


class Decision:
    ACCEPT_2 = "accept_2"
    ACCEPT_3 = "accept_3"
    DECLINE = "decline"
    MORE_INFORMATION = "more_information"


class ScreenForm(GovukForm):
    """The co-ordinator's decision. Every follow-up question is on the page at once, so it works
    without JavaScript; only the one the chosen decision needs is required."""

    decision = forms.ChoiceField(
        label="What is your decision?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select your decision"},
    )
    reason = _text(
        "Reason for your decision",
        "Needed if you accept or decline. The referring agency will see it, and it is kept as the "
        "record of why the level was set",
        required=False,
    )
    request_text = _text(
        "What information do you need?",
        "Needed if you ask for more information. The referring agency answers before you decide",
        required=False,
        rows=4,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, levels: list[int], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        accept = {2: (Decision.ACCEPT_2, "Accept at level 2"), 3: (Decision.ACCEPT_3, "Accept at level 3")}
        choices = [accept[level] for level in levels]
        choices += [
            (Decision.DECLINE, "Decline: the nominal stays at their current level"),
            (Decision.MORE_INFORMATION, "Ask the referrer for more information before deciding"),
        ]
        cast(forms.ChoiceField, self.fields["decision"]).choices = choices

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        decision = cleaned.get("decision")
        if decision == Decision.MORE_INFORMATION:
            if not (cleaned.get("request_text") or "").strip():
                self.add_error("request_text", "Enter what information you need from the referrer")
        elif decision and not (cleaned.get("reason") or "").strip():
            self.add_error(
                "reason",
                "Enter why you are declining"
                if decision == Decision.DECLINE
                else "Enter why you are accepting",
            )
        return cleaned

    @property
    def level(self) -> int | None:
        return {Decision.ACCEPT_2: 2, Decision.ACCEPT_3: 3}.get(self.cleaned_data.get("decision", ""))


class RespondForm(GovukForm):
    response_text = _text(
        "Your answer",
        "The MAPPA co-ordinator reads this with the referral before deciding",
        "Enter the information the co-ordinator asked for",
    )


class WithdrawForm(GovukForm):
    reason = _text(
        "Why are you withdrawing the referral?",
        "The MAPPA co-ordinator will see this",
        "Enter why you are withdrawing the referral",
        rows=4,
    )
