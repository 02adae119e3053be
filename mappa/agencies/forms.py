from datetime import date
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
from mappa.web.forms import GovukForm

# GOV.UK date input (design-system "Date input" pattern)


class GovukDateInput(forms.MultiWidget):
    """Day, month and year boxes, as the GOV.UK date input: easier to get right than one box."""

    template_name = "agencies/widgets/date_input.html"
    PARTS = (
        ("day", "Day", "govuk-input--width-2"),
        ("month", "Month", "govuk-input--width-2"),
        ("year", "Year", "govuk-input--width-4"),
    )

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            part: forms.TextInput(attrs={"inputmode": "numeric"}) for part, _, _ in self.PARTS
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[str | None]:
        if isinstance(value, date):
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        outer = context["widget"]["attrs"]
        error = "--error" in outer.get("class", "")
        id_ = outer.get("id")
        for (part, label, width), sub in zip(self.PARTS, context["widget"]["subwidgets"], strict=True):
            sub_attrs = dict(sub["attrs"])
            # The hint and error describe the fieldset (see date_field.html), not each box.
            sub_attrs.pop("aria-describedby", None)
            sub_attrs["class"] = f"govuk-input govuk-date-input__input {width}" + (
                " govuk-input--error" if error else ""
            )
            if id_:
                # The day box takes the field's own id, so the error summary's link lands on it.
                sub_attrs["id"] = id_ if part == "day" else f"{id_}_{part}"
            sub["attrs"] = sub_attrs
            sub["label"] = label
        return context


class GovukDateField(forms.MultiValueField):
    widget = GovukDateInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("template_name", "agencies/forms/date_field.html")
        kwargs.setdefault("help_text", "For example, 27 3 2027")
        parts = tuple(forms.CharField(required=False) for _ in GovukDateInput.PARTS)
        super().__init__(fields=parts, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[Any]) -> date | None:
        if not data_list:
            return None
        day, month, year = (str(value or "").strip() for value in data_list)
        # Messages follow the GOV.UK date input guidance.
        missing = [name for name, value in (("day", day), ("month", month), ("year", year)) if not value]
        if missing:
            raise forms.ValidationError(f"{self.label} must include a {' and a '.join(missing)}")
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise forms.ValidationError(f"{self.label} must be a real date")
        if len(year) != 4:
            raise forms.ValidationError("Year must include 4 numbers")
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            raise forms.ValidationError(f"{self.label} must be a real date") from None


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
