from dataclasses import replace
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from mappa.people import identifiers as ids
from mappa.people import normalise
from mappa.people.dates import PartialDate, parse_partial_date
from mappa.people.importer import parse_alias
from mappa.people.models import (
    Gender,
    IdentifierKind,
    LinkKind,
    NameKind,
    Person,
    PersonDateOfBirth,
    PersonName,
)
from mappa.people.services import AddressData, NameData
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


class PersonEditForm(GovukForm):
    """A person record's details, as the change page edits them (PersonForm adds the reference)."""

    forenames = forms.CharField(label="Forenames", required=False, max_length=150)
    surname = forms.CharField(label="Surname", max_length=150, error_messages={"required": "Enter a surname"})
    aliases = forms.CharField(
        label="Other names (optional)",
        required=False,
        help_text='Aliases, one per line, as "Forenames Surname" or "Surname, Forenames"',
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
        for field, kind in _FORM_IDENTIFIERS:
            if self.cleaned_data.get(field, "").strip():
                found.append((kind.value, self.cleaned_data[field]))
        return found

    @staticmethod
    def initial_for(person: Person) -> dict[str, Any]:
        """The form's values for an existing record: its main name, first date of birth, first
        address's postcode, and first PNC and NHS numbers (the rest are kept as they are)."""
        primary = person.primary_name
        dob = person.primary_date_of_birth
        address = next(iter(person.addresses.all()), None)
        held = {
            kind: value for kind, value in reversed([(i.kind, i.value) for i in person.identifiers.all()])
        }
        return {
            "forenames": primary.forenames if primary else "",
            "surname": primary.surname if primary else "",
            "aliases": "\n".join(
                _name_line(n) for n in person.names.all() if n.pk != getattr(primary, "pk", None)
            ),
            "date_of_birth": _dob_text(dob) if dob else "",
            "gender": person.gender,
            "postcode": address.postcode if address else "",
            "pnc": held.get(IdentifierKind.PNC, ""),
            "nhs_number": held.get(IdentifierKind.NHS_NUMBER, ""),
        }

    def update_args(self, person: Person) -> dict[str, Any]:
        """person_update's arguments: the edited values, with whatever the form does not show kept."""
        data = self.cleaned_data
        primary = person.primary_name
        others = [n for n in person.names.all() if n.pk != getattr(primary, "pk", None)]
        kinds = {_name_line(n): n.kind for n in others}
        names = [NameData(data["surname"], data["forenames"], primary.kind if primary else NameKind.CURRENT)]
        for line in data["aliases"].splitlines():
            if line.strip():
                alias = parse_alias(line)
                names.append(
                    NameData(alias.surname, alias.forenames, kinds.get(line.strip(), NameKind.ALIAS))
                )
        dobs = [PartialDate(d.year, d.month, d.day) for d in person.dates_of_birth.all()][1:]
        if data["date_of_birth"] is not None:
            dobs.insert(0, data["date_of_birth"])
        addresses = [
            AddressData(a.postcode, a.line1, a.line2, a.town, a.from_date, a.to_date)
            for a in person.addresses.all()
        ]
        if addresses:
            first = addresses.pop(0)
            if data["postcode"].strip() or first.line1 or first.line2 or first.town:
                addresses.insert(0, replace(first, postcode=data["postcode"]))
        elif data["postcode"].strip():
            addresses.append(AddressData(postcode=data["postcode"]))
        identifiers = [(i.kind, i.value) for i in person.identifiers.all()]
        for field, kind in _FORM_IDENTIFIERS:
            index = next((n for n, (k, _) in enumerate(identifiers) if k == kind), None)
            if index is not None:
                identifiers.pop(index)
            if data[field].strip():
                identifiers.insert(
                    index if index is not None else len(identifiers), (kind.value, data[field])
                )
        return {
            "names": names,
            "dates_of_birth": dobs,
            "gender": data["gender"],
            "addresses": addresses,
            "identifiers": identifiers,
        }


class PersonForm(PersonEditForm):
    source_ref = forms.CharField(
        label="Your agency's reference",
        max_length=64,
        error_messages={"required": "Enter your agency's reference for this person"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "spellcheck": "false"}),
    )
    field_order = ["source_ref"]


_FORM_IDENTIFIERS = (("pnc", IdentifierKind.PNC), ("nhs_number", IdentifierKind.NHS_NUMBER))


def _name_line(name: PersonName) -> str:
    """A name as one line of "Other names", in the form parse_alias reads back exactly."""
    return f"{name.surname}, {name.forenames}" if name.forenames else name.surname


def _dob_text(dob: PersonDateOfBirth) -> str:
    if dob.month is None:
        return str(dob.year)
    if dob.day is None:
        return f"{dob.month:02d}/{dob.year}"
    return f"{dob.day:02d}/{dob.month:02d}/{dob.year}"


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
