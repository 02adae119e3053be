from collections.abc import Sequence
from datetime import date
from typing import Any

from django import forms

from mappa.audit.models import Action
from mappa.web.forms import GovukForm

_DATE_FORMATS = ["%d/%m/%Y", "%d %m %Y", "%d-%m-%Y", "%Y-%m-%d"]


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=_DATE_FORMATS,
        help_text="For example, 27/3/2026",
        error_messages={"invalid": f"{label} must be a real date, like 27/3/2026"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "numeric"}),
    )


class EventFilterForm(GovukForm):
    """The auditor's filters. Sent by GET so a filtered view can be bookmarked and paged."""

    username = forms.CharField(
        label="Username",
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    agency = forms.TypedChoiceField(
        label="Agency",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="Events by its users or about its information",
    )
    action = forms.ChoiceField(label="Action", required=False, choices=[("", "Any action"), *Action.choices])
    object_type = forms.CharField(
        label="Object type",
        required=False,
        max_length=64,
        help_text="For example, membership or audit_log",
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    object_id = forms.CharField(
        label="Object ID",
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"spellcheck": "false", "class": "govuk-input--width-10"}),
    )
    date_from = _date_field("Date from")
    date_to = _date_field("Date to")
    break_glass = forms.BooleanField(
        label="Only consultations on a reason given (break glass)",
        required=False,
        help_text="Cases opened by someone whose agency had no recorded relationship with them",
    )

    def __init__(self, agencies: Sequence[tuple[int, str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", "Any agency"), *agencies]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from: date | None = cleaned.get("date_from")
        date_to: date | None = cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", "Date to must be the same as or after date from")
        return cleaned

    def filters(self) -> dict[str, Any]:
        """The filters actually set, by name, for the selector and for the consultation event."""
        if not self.is_valid():
            return {}
        # An unticked box (False) is no filter either. `is not`, as 0 == False.
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if value not in (None, "") and value is not False
        }

    def selector_kwargs(self) -> dict[str, Any]:
        """The filters as event_list's keyword arguments."""
        kwargs = self.filters()
        if "agency" in kwargs:
            kwargs["agency_id"] = kwargs.pop("agency")
        return kwargs
