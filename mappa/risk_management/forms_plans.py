"""Forms of the plan pages: the draft's text, its actions, progress on an action, a disclosure
decision and the approval. They collect the answers; the services check every rule again."""

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from mappa.accounts.models import AgencyMembership
from mappa.agencies.models import Agency
from mappa.meetings.models import Minutes
from mappa.risk_management.models import ConsiderationDecision, Pillar, PlanActionStatus
from mappa.web.forms import GovukDateField, GovukForm

_MAX = 10000
NO_MINUTES = "none"


def _text(
    label: str, *, hint: str = "", required: bool = False, missing: str = "", rows: int = 5
) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=required,
        max_length=_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": missing or f"Enter {label.lower()}",
            "max_length": f"Enter {_MAX} characters or fewer",
        },
    )


class VersionForm(GovukForm):
    """Only the version the user read, so they act on what they saw (removing an action)."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class PlanForm(GovukForm):
    risks_to_manage = _text(
        "Risks to manage",
        hint="Who is at risk, of what, and when the risk is greatest: the scenarios the plan answers.",
        rows=6,
    )
    licence_conditions = _text(
        "Licence conditions",
        hint="Every licence condition in force (MAPPA Guidance §12.11), one to a line.",
    )
    restrictive_orders = _text(
        "Restrictive orders",
        hint="Sexual harm prevention, sexual risk, domestic abuse protection and other orders, "
        "with their terms.",
    )
    review_date = GovukDateField(label="Review date", required=False)
    disclosure_note = _text(
        "Why disclosure is not needed (only if no one is recorded as at risk)",
        hint="Disclosure is considered at every review. If no person or group at risk is recorded, "
        "say why no disclosure needs to be considered.",
        rows=3,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ActionForm(GovukForm):
    pillar = forms.ChoiceField(
        label="Which part of the plan is it?",
        choices=Pillar.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the part of the plan the action belongs to"},
    )
    description = _text("What is to be done", required=True, rows=3, missing="Enter what is to be done")
    owner_agency = forms.ModelChoiceField(
        label="Agency responsible",
        queryset=Agency.objects.none(),
        empty_label="Select an agency",
        error_messages={
            "required": "Select the agency responsible",
            "invalid_choice": "Select an agency serving the nominal's area",
        },
    )
    owner = forms.TypedChoiceField(
        label="Person responsible (optional)",
        help_text="Someone with an account, in the agency responsible.",
        coerce=int,
        empty_value=None,
        required=False,
    )
    owner_name = forms.CharField(
        label="Or the name of someone without an account (optional)",
        max_length=200,
        required=False,
        error_messages={"max_length": "Enter 200 characters or fewer"},
    )
    due_date = GovukDateField(label="Due date (optional)", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self, agencies: QuerySet[Agency], owners: QuerySet[AgencyMembership], *args: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["owner_agency"]).queryset = agencies  # type: ignore[type-arg]
        self.owners = {membership.user_id: membership.user for membership in owners}
        choices: list[tuple[Any, str]] = [("", "No one named")]
        for membership in owners:
            name = membership.user.get_full_name() or membership.user.username
            choices.append((membership.user_id, f"{name}, {membership.agency.name}"))
        cast(forms.TypedChoiceField, self.fields["owner"]).choices = choices

    def values(self) -> dict[str, Any]:
        """The answers as the action services take them."""
        data = self.cleaned_data
        owner_id = data.get("owner")
        return {
            "pillar": data["pillar"],
            "description": data["description"],
            "owner_agency": data["owner_agency"],
            "owner": self.owners.get(owner_id) if owner_id else None,
            "owner_name": data.get("owner_name") or "",
            "due_date": data.get("due_date"),
        }


class ActionStatusForm(GovukForm):
    status = forms.ChoiceField(
        label="How is the action going?",
        choices=PlanActionStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the action's progress"},
    )


class ConsiderationForm(GovukForm):
    decision = forms.ChoiceField(
        label="Should information about the nominal be disclosed to protect them?",
        choices=ConsiderationDecision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to disclose, not to disclose, or to defer"},
    )
    rationale = _text(
        "Rationale",
        hint="Why, in a sentence or more: the risk to them, whether disclosure is necessary and "
        "proportionate, and, if you defer, until when and why.",
        required=True,
        missing="Enter the rationale for the decision",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


def minutes_label(minutes: Minutes) -> str:
    meeting = minutes.agenda_item.meeting
    local = timezone.localtime(meeting.starts_at)
    return (
        f"Minutes {minutes.reference} (version {minutes.number}, {minutes.get_status_display().lower()}) "
        f"of level {meeting.level} meeting {meeting.reference}, {local.day} {local:%B %Y}"
    )


class ApproveForm(GovukForm):
    minutes = forms.ChoiceField(
        label="At which meeting was the plan approved?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the minutes of the meeting approving the plan"},
    )
    note = _text(
        "Note (optional)",
        hint="Anything the approval depends on, or that the next review should check.",
        rows=3,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, choices: QuerySet[Minutes], *args: Any, allow_none: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices = {str(minutes.pk): minutes for minutes in choices}
        options: list[tuple[str, str]] = [
            (pk, minutes_label(minutes)) for pk, minutes in self.choices.items()
        ]
        field = cast(forms.ChoiceField, self.fields["minutes"])
        if allow_none:
            # A level 1 plan is approved outside a meeting (its manager's oversight).
            options.append((NO_MINUTES, "Not at a meeting: I am approving it as a manager"))
            field.help_text = "A level 1 plan may be approved outside a meeting."
        field.choices = options
        # With nothing to choose from, the form still posts, and the service says what is missing.
        field.required = bool(options)

    def chosen_minutes(self) -> Minutes | None:
        return self.choices.get(self.cleaned_data.get("minutes") or "")
