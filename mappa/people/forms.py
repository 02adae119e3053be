from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from mappa.people import identifiers as ids
from mappa.people import normalise
from mappa.people.dates import PartialDate, parse_partial_date
from mappa.people.models import Gender, IdentifierKind, LinkKind
from mappa.web.forms import GovukForm

_DOB_HINT = "For example, 17/05/1980. If you only know part of it, enter 05/1980 or 1980"


def _clean_dob(value: str) -> PartialDate | None:
    if not value.strip():
        return None
    try:
        return parse_partial_date(value)
    except ValidationError:
        raise ValidationError("Enter a date of birth like 17/05/1980, 05/1980 or 1980") from None


class SearchForm(GovukForm):
    name = forms.CharField(label="Name", required=False, max_length=300, help_text="Forenames and surname")
    date_of_birth = forms.CharField(label="Date of birth", required=False, max_length=20, help_text=_DOB_HINT)
    postcode = forms.CharField(
        label="Postcode",
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "off"}),
    )
    pnc = forms.CharField(
        label="PNC number",
        required=False,
        max_length=20,
        help_text="For example, 12/0012345A",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )

    def clean_date_of_birth(self) -> PartialDate | None:
        return _clean_dob(self.cleaned_data["date_of_birth"])

    def clean_pnc(self) -> str:
        value: str = self.cleaned_data["pnc"]
        return ids.pnc(value) if value.strip() else ""

    def clean_postcode(self) -> str:
        value = normalise.postcode(self.cleaned_data["postcode"])
        if value and not normalise.is_valid_postcode(value):
            raise ValidationError("Enter a real postcode, like DH1 1AA")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not any(data.get(f) for f in ("name", "date_of_birth", "postcode", "pnc")):
            raise ValidationError("Enter a name, date of birth, postcode or PNC number to search for")
        return data


class PersonForm(GovukForm):
    source_ref = forms.CharField(
        label="Your agency's reference",
        max_length=64,
        error_messages={"required": "Enter your agency's reference for this person"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "spellcheck": "false"}),
    )
    forenames = forms.CharField(label="Forenames", required=False, max_length=150)
    surname = forms.CharField(label="Surname", max_length=150, error_messages={"required": "Enter a surname"})
    aliases = forms.CharField(
        label="Other names (optional)",
        required=False,
        help_text='Aliases, one per line, as "Forenames Surname"',
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    date_of_birth = forms.CharField(label="Date of birth", required=False, max_length=20, help_text=_DOB_HINT)
    gender = forms.ChoiceField(label="Gender", choices=Gender.choices, initial=Gender.UNKNOWN)
    postcode = forms.CharField(
        label="Postcode (optional)",
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    pnc = forms.CharField(
        label="PNC number (optional)",
        required=False,
        max_length=20,
        help_text="For example, 12/0012345A",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )
    nhs_number = forms.CharField(
        label="NHS number (optional)",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "numeric"}),
    )

    def clean_date_of_birth(self) -> PartialDate | None:
        return _clean_dob(self.cleaned_data["date_of_birth"])

    def identifiers(self) -> list[tuple[str, str]]:
        found = []
        for field, kind in (("pnc", IdentifierKind.PNC), ("nhs_number", IdentifierKind.NHS_NUMBER)):
            if self.cleaned_data.get(field, "").strip():
                found.append((kind.value, self.cleaned_data[field]))
        return found


class LinkForm(GovukForm):
    other = forms.IntegerField(
        label="Record number of the other record",
        min_value=1,
        help_text="The number shown on the other person record's page",
        error_messages={"required": "Enter the other record's number", "invalid": "Enter a number"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "numeric"}),
    )
    kind = forms.ChoiceField(
        label="Are these the same person?",
        choices=LinkKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether these are the same person"},
    )
    reason = forms.CharField(
        label="Reason for your decision",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reason for your decision"},
    )


class RevokeForm(GovukForm):
    reason = forms.CharField(
        label="Reason for revoking this decision",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reason for revoking this decision"},
    )
