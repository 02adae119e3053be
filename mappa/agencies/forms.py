from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from mappa.agencies.models import (
    Agency,
    AgencyKind,
    AgreementPurpose,
    AgreementStatus,
    DataCategory,
    LawfulBasis,
    MappaArea,
)
from mappa.web.forms import GovukDateField, GovukForm

# Areas


class AreaForm(GovukForm):
    name = forms.CharField(
        label="Area name",
        max_length=120,
        error_messages={"required": "Enter the area name"},
        help_text="Usually the police force area, for example County Durham and Darlington",
    )
    code = forms.CharField(
        label="Area code",
        max_length=32,
        error_messages={"required": "Enter the area code"},
        help_text="Lower case letters, numbers and hyphens, for example durham",
        widget=forms.TextInput(attrs={"spellcheck": "false", "class": "govuk-input--width-20"}),
    )


# Agencies


def _kind_choices() -> list[Any]:
    # Grouped so the Responsible Authority / duty to co-operate / associate distinction shows.
    groups: dict[str, list[tuple[str, str]]] = {}
    for kind in AgencyKind:
        groups.setdefault(str(kind.group.label), []).append((kind.value, str(kind.label)))
    return [("", "Select the kind of agency"), *groups.items()]


def _area_field(areas: QuerySet[MappaArea]) -> forms.ModelMultipleChoiceField:  # type: ignore[type-arg]
    return forms.ModelMultipleChoiceField(
        label="MAPPA areas it serves",
        queryset=areas,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one area"},
        help_text="Select all that apply. Only the areas your agency serves are listed",
    )


class _AgencyForm(GovukForm):
    name = forms.CharField(
        label="Agency name",
        max_length=200,
        error_messages={"required": "Enter the agency name"},
    )

    def __init__(self, areas: QuerySet[MappaArea], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"] = forms.ChoiceField(
            label="Kind of agency",
            choices=_kind_choices(),
            error_messages={"required": "Select the kind of agency"},
        )
        self.fields["areas"] = _area_field(areas)


class AgencyCreateForm(_AgencyForm):
    code = forms.CharField(
        label="Agency code",
        max_length=32,
        error_messages={"required": "Enter the agency code"},
        help_text=(
            "Capital letters, numbers and hyphens, for example DURHAM-POLICE. "
            "It appears in the audit log and cannot be changed later"
        ),
        widget=forms.TextInput(attrs={"spellcheck": "false", "class": "govuk-input--width-20"}),
    )

    field_order = ["name", "code", "kind", "areas"]


class AgencyEditForm(_AgencyForm):
    def __init__(self, areas: QuerySet[MappaArea], *args: Any, **kwargs: Any) -> None:
        super().__init__(areas, *args, **kwargs)
        self.fields["is_active"] = forms.TypedChoiceField(
            label="Status",
            choices=[
                ("true", "Active"),
                ("false", "Inactive: its users cannot sign in and it cannot join new agreements"),
            ],
            coerce=lambda value: value == "true",
            widget=forms.RadioSelect,
            error_messages={"required": "Select whether the agency is active"},
        )

    def get_initial_for_field(self, field: forms.Field, field_name: str) -> Any:
        value = super().get_initial_for_field(field, field_name)
        if field_name == "is_active" and isinstance(value, bool):
            return "true" if value else "false"
        return value


# Information sharing agreements


def _checkboxes(label: str, choices: Any, required_message: str, **kwargs: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": required_message},
        **kwargs,
    )


def _party_label(agency: Agency) -> str:
    label = f"{agency.name} ({agency.get_group_display()})"
    return label if agency.is_active else f"{label}, inactive"


class AgreementAreaForm(GovukForm):
    area = forms.ModelChoiceField(
        label="Which MAPPA area is the agreement for?",
        queryset=MappaArea.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Select the area", "invalid_choice": "Select the area"},
    )

    def __init__(self, areas: QuerySet[MappaArea], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["area"]).queryset = areas  # type: ignore[type-arg]


class AgreementForm(GovukForm):
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter the title"})
    reference = forms.CharField(
        label="Reference",
        max_length=40,
        error_messages={"required": "Enter the reference"},
        help_text="For example, DURHAM-MAPPA-ISA-2026",
        widget=forms.TextInput(attrs={"spellcheck": "false", "class": "govuk-input--width-20"}),
    )
    purposes = _checkboxes("Purposes", AgreementPurpose.choices, "Select at least one purpose")
    lawful_bases = _checkboxes("Lawful bases", LawfulBasis.choices, "Select at least one lawful basis")
    data_categories = _checkboxes(
        "Categories of data shared",
        DataCategory.choices,
        "Select at least one category of data",
        help_text="Special category data is shared under the agreement only where strictly necessary",
    )
    start_date = GovukDateField(
        label="Start date",
        error_messages={"required": "Enter the start date"},
        help_text="For example, 1 4 2026",
    )
    review_date = GovukDateField(
        label="Review date",
        error_messages={"required": "Enter the review date"},
        help_text="When the parties will next review the agreement. For example, 27 3 2027",
    )
    notes = forms.CharField(
        label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, parties: QuerySet[Agency], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = forms.ModelMultipleChoiceField(
            label="Parties",
            queryset=parties,
            widget=forms.CheckboxSelectMultiple,
            required=False,
            help_text="Agencies of the area that sign the agreement. It needs at least two to be made active",
        )
        field.label_from_instance = _party_label  # type: ignore[method-assign,assignment]
        self.fields["parties"] = field
        self.order_fields(["title", "reference", "parties"])


class AgreementEditForm(AgreementForm):
    # The version the form was based on: the service refuses the save if it is no longer current.
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "Open the agreement again and make your changes",
            "invalid": "Open the agreement again and make your changes",
        },
    )


_STATUS_LABELS = {
    AgreementStatus.DRAFT: "Draft",
    AgreementStatus.ACTIVE: "Active: the parties may share information under it",
    AgreementStatus.SUSPENDED: "Suspended: no information is shared under it until it is made active again",
    AgreementStatus.ENDED: "Ended: it can no longer be changed or made active again",
}


class AgreementStatusForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, allowed: list[str], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"] = forms.ChoiceField(
            label="New status",
            choices=[(status, _STATUS_LABELS[AgreementStatus(status)]) for status in allowed],
            widget=forms.RadioSelect,
            error_messages={"required": "Select the new status", "invalid_choice": "Select the new status"},
        )
