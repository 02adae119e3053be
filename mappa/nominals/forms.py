from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from mappa.accounts.models import AgencyMembership
from mappa.agencies.models import Agency, MappaArea
from mappa.nominals.access import REASON_MIN_LENGTH
from mappa.nominals.models import (
    EXIT_REASONS,
    REASONS_FOR,
    Category,
    ChangedField,
    ChangeReason,
    Level,
    Status,
    TransferReason,
)
from mappa.nominals.opening import REASON_MINUTES
from mappa.web.forms import GovukDateField, GovukForm

_LIVE_STATUSES = [(value, label) for value, label in Status.choices if value != Status.EXITED]


def _model_choice(label: str, queryset: QuerySet[Any], message: str, **kwargs: Any) -> forms.ModelChoiceField:  # type: ignore[type-arg]
    return forms.ModelChoiceField(
        label=label,
        queryset=queryset,
        error_messages={"required": message, "invalid_choice": message},
        **kwargs,
    )


class RegisterFilterForm(GovukForm):
    """The register's filters: categorical only, so no personal data reaches the URL."""

    category = forms.TypedChoiceField(
        label="Category",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Any category"), *Category.choices],
    )
    level = forms.TypedChoiceField(
        label="Level",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Any level"), *Level.choices],
    )
    lead_agency = forms.TypedChoiceField(label="Lead agency", required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Managed under MAPPA now"), *Status.choices, ("all", "Any status")],
    )
    review = forms.ChoiceField(
        label="Next review",
        required=False,
        choices=[("", "Any date"), ("overdue", "Overdue"), ("due", "Due in the next 4 weeks")],
    )

    def __init__(self, agencies: QuerySet[Agency], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["lead_agency"])
        field.choices = [("", "Any agency"), *((agency.pk, agency.name) for agency in agencies)]

    def filters(self) -> dict[str, Any]:
        return {key: value for key, value in self.cleaned_data.items() if value not in (None, "")}


def _date(label: str, **kwargs: Any) -> GovukDateField:
    return GovukDateField(label=label, required=False, **kwargs)


class _KeyDatesForm(GovukForm):
    sentence_date = _date("Sentence date")
    release_date = _date("Release date", help_text="Actual or expected. For example, 27 3 2027")
    licence_end_date = _date("Licence end date")
    notification_end_date = _date("Notification period end date")
    order_start_date = _date("SHPO or SRO start date")
    order_end_date = _date("SHPO or SRO end date")
    index_offence = forms.CharField(
        label="Index offence",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The offence or caution that brought them into MAPPA, in your own words",
    )
    restrictive_orders = forms.CharField(
        label="Restrictive orders", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    cppc = forms.BooleanField(
        label="Critical public protection case (CPPC)",
        required=False,
        help_text="Consider for every level 3 case",
    )


class NominalCreateForm(_KeyDatesForm):
    person_reference = forms.CharField(
        label="Person record",
        max_length=64,
        error_messages={"required": "Enter the person's record number or reference"},
        help_text="The person record number, or the reference the recording agency gave it",
        widget=forms.TextInput(
            attrs={"spellcheck": "false", "autocomplete": "off", "class": "govuk-input--width-20"}
        ),
    )
    category = forms.TypedChoiceField(
        label="Category",
        coerce=int,
        choices=Category.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the MAPPA category"},
    )
    level = forms.TypedChoiceField(
        label="Level",
        coerce=int,
        choices=Level.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the MAPPA level"},
    )
    status = forms.ChoiceField(
        label="Where are they now?",
        choices=_LIVE_STATUSES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select where the nominal is now"},
    )

    field_order = ["area", "person_reference", "category", "level", "lead_agency", "status"]

    def __init__(
        self, areas: QuerySet[MappaArea], agencies: QuerySet[Agency], *args: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"] = _model_choice("MAPPA area", areas, "Select the MAPPA area", empty_label=None)
        self.fields["lead_agency"] = _model_choice(
            "Lead agency", agencies, "Select the lead agency", empty_label="Select the lead agency"
        )
        self.order_fields(self.field_order)


class NominalDetailsForm(_KeyDatesForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, memberships: QuerySet[AgencyMembership], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = forms.TypedChoiceField(
            label="Case manager",
            required=False,
            coerce=int,
            empty_value=None,
            choices=[
                ("", "No named case manager"),
                *((m.user_id, m.user.get_full_name() or m.user.username) for m in memberships),
            ],
        )
        self.fields["case_manager"] = field
        self.order_fields(["case_manager"])


def _reason_fields(
    form: forms.Form, reasons: tuple[ChangeReason, ...] | tuple[TransferReason, ...], legend: str
) -> None:
    form.fields["reason"] = forms.ChoiceField(
        label=legend,
        choices=[(reason.value, reason.label) for reason in reasons],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the reason", "invalid_choice": "Select the reason"},
    )
    form.fields["reason_detail"] = forms.CharField(
        label="More about the reason",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required if you chose other reason",
    )


class _ChangeForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def _finish(self, reasons: tuple[ChangeReason, ...], legend: str) -> None:
        _reason_fields(self, reasons, legend)
        self.fields["effective_date"] = GovukDateField(
            label="Date the change took effect",
            error_messages={"required": "Enter the date the change took effect"},
            initial=timezone.localdate(),
        )


class ChangeForm(_ChangeForm):
    """Change one of category, level, lead agency or status, with the reason and the date."""

    def __init__(self, what: str, agencies: QuerySet[Agency] | None, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if what == ChangedField.CATEGORY:
            self.fields["value"] = forms.TypedChoiceField(
                label="New category", coerce=int, choices=Category.choices, widget=forms.RadioSelect,
                error_messages={"required": "Select the new category"},
            )  # fmt: skip
        elif what == ChangedField.LEVEL:
            self.fields["value"] = forms.TypedChoiceField(
                label="New level", coerce=int, choices=Level.choices, widget=forms.RadioSelect,
                error_messages={"required": "Select the new level"},
            )  # fmt: skip
        elif what == ChangedField.LEAD_AGENCY:
            self.fields["value"] = _model_choice(
                "New lead agency",
                agencies if agencies is not None else Agency.objects.none(),
                "Select the new lead agency",
                empty_label="Select the agency",
            )
        else:
            self.fields["value"] = forms.ChoiceField(
                label="Where are they now?", choices=_LIVE_STATUSES, widget=forms.RadioSelect,
                error_messages={"required": "Select where the nominal is now"},
            )  # fmt: skip
        self._finish(REASONS_FOR[what], "Reason for the change")


class ExitForm(_ChangeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._finish(EXIT_REASONS, "Why are they leaving MAPPA?")
        self.fields["effective_date"].label = "Date they left MAPPA"


class TransferRequestForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    proposed_date = GovukDateField(
        label="Proposed transfer date", error_messages={"required": "Enter the proposed transfer date"}
    )

    def __init__(self, areas: QuerySet[MappaArea], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_area"] = _model_choice(
            "Area the nominal is moving to",
            areas,
            "Select the area the nominal is moving to",
            empty_label="Select the area",
        )
        _reason_fields(self, tuple(TransferReason), "Reason for the transfer")
        self.order_fields(["to_area", "reason", "reason_detail", "proposed_date"])


class TransferAcceptForm(GovukForm):
    note = forms.CharField(
        label="Note for the sending area (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TransferEffectiveForm(GovukForm):
    effective_date = GovukDateField(
        label="Date the transfer took effect",
        error_messages={"required": "Enter the date the transfer took effect"},
    )
    lead_agency = forms.ModelChoiceField(
        label="Lead agency in the receiving area",
        queryset=Agency.objects.none(),
        required=False,
        help_text="The agency that leads the case from now on. It must serve the receiving area",
        error_messages={"invalid_choice": "Choose an agency from the list"},
    )

    def __init__(self, agencies: QuerySet[Agency], current: Agency, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["lead_agency"])  # type: ignore[type-arg]
        field.queryset = agencies
        # Keep the current lead when it serves the receiving area; otherwise someone must choose.
        if agencies.filter(pk=current.pk).exists():
            field.initial = current.pk
            field.empty_label = None
        else:
            field.empty_label = f"Choose an agency ({current.name} does not serve this area)"


class ReasonForm(GovukForm):
    """Why a user with no recorded relationship to the case is opening it ("break glass")."""

    reason = forms.CharField(
        label="Why do you need to open this case?",
        min_length=REASON_MIN_LENGTH,
        max_length=1000,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "Your agency has no recorded relationship with this case. Your reason is recorded with "
            f"every page of the case you open in the next {REASON_MINUTES} minutes, and auditors and "
            "the case's lead agency can see it."
        ),
        error_messages={
            "required": "Enter why you need to open this case",
            "min_length": f"Reason must be {REASON_MIN_LENGTH} characters or more",
            "max_length": "Reason must be 1000 characters or fewer",
        },
    )
