"""Forms of the minutes and actions pages. They collect answers; the services check every rule."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from mappa.accounts.models import AgencyMembership
from mappa.agencies.models import Agency
from mappa.meetings.models import ActionStatus
from mappa.meetings.selectors_minutes import SECTION_LABELS, TEXT_SECTIONS
from mappa.web.forms import GovukDateField, GovukForm

_HINTS = {
    "purpose": "Why the case is being discussed, and whether this is an initial or review meeting.",
    "risk_assessment": "Who is at risk, from what, when and how likely. Write so that someone who was "
    "not there, and does not know the case, can follow it.",
    "rmp_supervision": "Risk management plan: supervision and reporting arrangements.",
    "rmp_monitoring": "Risk management plan: monitoring and control, such as licence conditions, "
    "orders and electronic monitoring.",
    "rmp_interventions": "Risk management plan: interventions and treatment.",
    "rmp_victim_safety": "Risk management plan: victim safety planning, for named and potential victims.",
    "disclosure_considered": "Whether disclosure to a third party was considered, the decision and why.",
    "level_rationale": "Why the case needs this level of management.",
    "executive_summary": "A short summary that can go, in place of the minutes, to someone outside MAPPA "
    "who asks for them.",
}
_LEVELS = [("1", "Level 1"), ("2", "Level 2"), ("3", "Level 3")]


def _text(
    label: str, *, required: bool = False, rows: int = 5, hint: str = "", missing: str = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=required,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": missing or f"Enter {label.lower()}"},
    )


class MinutesForm(GovukForm):
    """Every section of the draft. A section pre-filled from earlier papers and not yet confirmed
    gets a "still current" checkbox (`confirm_<section>`) beside it."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, pending: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pending = pending or {}
        for name in TEXT_SECTIONS:
            if name == "level_rationale":
                continue
            self.fields[name] = _text(SECTION_LABELS[name], hint=_HINTS.get(name, ""), rows=6)
            if name in self.pending:
                self.fields[f"confirm_{name}"] = forms.BooleanField(
                    label=f"The {SECTION_LABELS[name].lower()} is still current",
                    required=False,
                )
            if name == "disclosure_considered":
                # The level questions sit where MAPPA C puts them: after disclosure.
                self.fields["level_decision"] = forms.TypedChoiceField(
                    label="Level decided",
                    choices=_LEVELS,
                    coerce=int,
                    empty_value=None,
                    required=False,
                    widget=forms.RadioSelect,
                )
                self.fields["level_rationale"] = _text(
                    SECTION_LABELS["level_rationale"], hint=_HINTS["level_rationale"], rows=4
                )
                self.fields["next_review_date"] = GovukDateField(label="Next review date", required=False)

    def sections(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data.get(name) for name in (*TEXT_SECTIONS, "level_decision", "next_review_date")}

    def confirmed(self) -> list[str]:
        return [name for name in self.pending if self.cleaned_data.get(f"confirm_{name}")]

    def rows(self) -> list[tuple[forms.BoundField, str | None]]:
        """Each visible field in order, with where its text was pre-filled from if unconfirmed."""
        return [(self[name], self.pending.get(name)) for name in self.fields if name != "version"]


class EntryForm(GovukForm):
    agency = forms.ModelChoiceField(
        label="Agency that shared it",
        queryset=Agency.objects.none(),
        empty_label="Select an agency",
        error_messages={"required": "Select the agency that shared the information"},
    )
    text = _text(
        "Information shared",
        required=True,
        hint="The agency stays the owner of what it shared, and answers subject access requests for it.",
        missing="Enter the information the agency shared",
    )

    def __init__(self, agencies: QuerySet[Agency], *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "entry")
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]


class DecisionForm(GovukForm):
    text = _text("Decision", required=True, rows=3, missing="Enter the decision")
    rationale = _text(
        "Reasons for the decision", required=True, rows=4, missing="Enter the reasons for the decision"
    )
    dissent = _text(
        "Dissent (optional)",
        rows=3,
        hint="Any agency or attendee who disagreed, and their view.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "decision")
        super().__init__(*args, **kwargs)


class ActionForm(GovukForm):
    description = _text("What is to be done", required=True, rows=3, missing="Enter what is to be done")
    owner_agency = forms.ModelChoiceField(
        label="Agency responsible",
        queryset=Agency.objects.none(),
        empty_label="Select an agency",
        error_messages={"required": "Select the agency responsible"},
    )
    owner = forms.TypedChoiceField(
        label="Person responsible (optional)",
        help_text="Someone at the meeting, in the agency responsible.",
        coerce=int,
        empty_value=None,
        required=False,
    )
    due_date = GovukDateField(label="Due date")

    def __init__(
        self, agencies: QuerySet[Agency], owners: QuerySet[AgencyMembership], *args: Any, **kwargs: Any
    ) -> None:
        kwargs.setdefault("prefix", "action")
        super().__init__(*args, **kwargs)
        self.fields["owner_agency"].queryset = agencies  # type: ignore[attr-defined]
        self.owners = {m.user_id: m.user for m in owners}
        choices: list[tuple[Any, str]] = [("", "No one named")]
        for membership in owners:
            name = membership.user.get_full_name() or membership.user.username
            choices.append((membership.user_id, f"{name}, {membership.agency.name}"))
        self.fields["owner"].choices = choices  # type: ignore[attr-defined]

    def clean_due_date(self) -> Any:
        value = self.cleaned_data.get("due_date")
        if value is None:
            raise forms.ValidationError("Enter the date the action is due")
        return value

    def owner_user(self) -> Any:
        owner_id = self.cleaned_data.get("owner")
        return self.owners.get(owner_id) if owner_id else None


class ReviewForm(GovukForm):
    status = forms.ChoiceField(
        label="Was the action done?",
        choices=[(ActionStatus.DONE, "Done"), (ActionStatus.NOT_DONE, "Not done")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the action was done"},
    )
    outcome_note = _text(
        "What happened",
        rows=4,
        hint="If it was not done, say why.",
    )


class ActionUpdateForm(GovukForm):
    status = forms.ChoiceField(
        label="Status",
        choices=ActionStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the action's status"},
    )
    outcome_note = _text("What happened", rows=4, hint="If it was not done, say why.")


class ReasonForm(GovukForm):
    reason = _text("Reason", required=True, rows=5)

    def __init__(self, *args: Any, label: str, hint: str = "", missing: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.label = label
        field.help_text = hint
        field.error_messages["required"] = missing


class VersionForm(GovukForm):
    """Submitting or approving: the version the user read, so they act on what they saw."""

    version = forms.IntegerField(widget=forms.HiddenInput)
