"""The public application form's pages, one form per page (GOV.UK question pages).

Each form checks its own answers with the messages the GOV.UK patterns use, and turns them into
plain JSON for the session (`stored()`) and back (`initial_from()`): the answers wait there
until the applicant sends them, when `submitted_application` builds what the service receives
(and the service checks all of it again). Every text field is size-limited and loses control
characters before any rule is checked.
"""

from datetime import date
from typing import Any, cast

from django import forms
from django.utils import timezone

from mappa.disclosure_schemes.services_public import (
    CONTACT_WAYS,
    MAX_ADDRESS,
    MAX_AGE_TEXT,
    MAX_CHILDREN,
    MAX_EMAIL,
    MAX_NAME,
    MAX_PHONE,
    MAX_POSTCODE,
    MAX_SHORT_TEXT,
    MAX_TEXT,
    OLDEST_CHILD,
    Child,
    SubmittedApplication,
    clean_text,
    valid_phone,
    valid_postcode,
)
from mappa.web.forms import GovukDateField, GovukForm

# The three answers to "What do you want to ask about?": one question, no reveal needed.
SCHEME_ANSWERS = {
    "csods": ("csods", False),
    "dvds_own": ("dvds", False),
    "dvds_other": ("dvds", True),
}


class PublicTextField(forms.CharField):
    """Text from the public: control characters removed, a GOV.UK message for each refusal."""

    def __init__(
        self,
        *,
        label: str,
        max_length: int,
        required_message: str = "",
        too_long: str = "",
        multiline: bool = False,
        **kwargs: Any,
    ) -> None:
        self.multiline = multiline
        if multiline:
            kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 5}))
        messages = {"max_length": f"{too_long or label} must be {max_length:,} characters or fewer"}
        if required_message:
            messages["required"] = required_message
        # Required exactly when there is a message saying what to enter.
        kwargs["required"] = bool(required_message)
        super().__init__(label=label, max_length=max_length, error_messages=messages, **kwargs)

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        return clean_text(text or "", multiline=self.multiline)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        # A browser's maxlength cuts pasted text short without saying so; the limit is checked
        # on the server, with a message, instead.
        attrs.pop("maxlength", None)
        return attrs


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


class PublicForm(GovukForm):
    """A page's form: its cleaned answers go to the session as JSON and come back as initial."""

    date_fields: tuple[str, ...] = ()

    def stored(self) -> dict[str, Any]:
        return {
            name: _iso(value) if name in self.date_fields else value
            for name, value in self.cleaned_data.items()
        }

    @classmethod
    def initial_from(cls, stored: dict[str, Any] | None) -> dict[str, Any]:
        stored = dict(stored or {})
        for name in cls.date_fields:
            if name in stored:
                stored[name] = _date(stored[name])
        return stored


class SchemeForm(PublicForm):
    answer = forms.ChoiceField(
        label="What do you want to ask about?",
        choices=[
            ("csods", "A person who has contact with a child"),
            ("dvds_own", "My partner or ex-partner"),
            ("dvds_other", "The partner or ex-partner of someone I know"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select what you want to ask about",
            "invalid_choice": "Select what you want to ask about",
        },
    )

    def stored(self) -> dict[str, Any]:
        scheme, third_party = SCHEME_ANSWERS[self.cleaned_data["answer"]]
        return {"scheme": scheme, "third_party": third_party}

    @classmethod
    def initial_from(cls, stored: dict[str, Any] | None) -> dict[str, Any]:
        if not stored:
            return {}
        for answer, (scheme, third_party) in SCHEME_ANSWERS.items():
            if stored.get("scheme") == scheme and stored.get("third_party") == third_party:
                return {"answer": answer}
        return {}


class ForceForm(PublicForm):
    receiving_agency = forms.TypedChoiceField(coerce=int, choices=[])

    def __init__(self, *args: Any, forces: list[tuple[int, str]], place: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["receiving_agency"])
        field.choices = [("", "Choose a police force"), *forces]
        field.label = f"Which police force covers the area where {place}?"
        field.error_messages["required"] = f"Select the police force for where {place}"
        field.error_messages["invalid_choice"] = f"Select the police force for where {place}"


class AboutYouForm(PublicForm):
    date_fields = ("applicant_date_of_birth",)

    applicant_name = PublicTextField(
        label="Full name", max_length=MAX_NAME, required_message="Enter your full name"
    )
    applicant_date_of_birth = GovukDateField(
        label="Date of birth",
        help_text="For example, 27 3 1985",
        error_messages={"required": "Enter your date of birth"},
    )
    applicant_address = PublicTextField(
        label="Address",
        max_length=MAX_ADDRESS,
        required_message="Enter your address",
        multiline=True,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )
    applicant_postcode = PublicTextField(
        label="Postcode",
        max_length=MAX_POSTCODE,
        required_message="Enter your postcode",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "postal-code"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["applicant_name"].widget.attrs["autocomplete"] = "name"
        # Anything longer than a postcode is not one: say what to enter, not how long it was.
        self.fields["applicant_postcode"].error_messages["max_length"] = "Enter a real postcode, like AA1 1AA"

    def clean_applicant_date_of_birth(self) -> date:
        value: date = self.cleaned_data["applicant_date_of_birth"]
        if value >= timezone.localdate():
            raise forms.ValidationError("Date of birth must be in the past")
        return value

    def clean_applicant_postcode(self) -> str:
        value: str = self.cleaned_data["applicant_postcode"].upper()
        if not valid_postcode(value):
            raise forms.ValidationError("Enter a real postcode, like AA1 1AA")
        return value


class ContactForm(PublicForm):
    safe_contact_ways = forms.MultipleChoiceField(
        label="Which ways are safe?",
        help_text="Select all that apply",
        choices=list(CONTACT_WAYS.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one safe way to contact you",
            "invalid_choice": "Select at least one safe way to contact you",
        },
    )
    applicant_phone = PublicTextField(
        label="Phone number (if we can call you or send you a text message)",
        too_long="Phone number",
        max_length=MAX_PHONE,
        widget=forms.TextInput(
            attrs={"type": "tel", "autocomplete": "tel", "class": "govuk-input--width-20"}
        ),
    )
    applicant_email = PublicTextField(
        label="Email address (if we can email you)",
        too_long="Email address",
        max_length=MAX_EMAIL,
        widget=forms.TextInput(attrs={"type": "email", "autocomplete": "email", "spellcheck": "false"}),
    )
    safe_contact_times = PublicTextField(
        label="When is it safe to contact you?",
        help_text="For example, weekdays between 9am and 3pm",
        too_long="Safe times",
        max_length=MAX_SHORT_TEXT,
        required_message="Enter when it is safe to contact you",
        multiline=True,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    safe_contact_notes = PublicTextField(
        label="Is there anything we must avoid when we contact you? (optional)",
        help_text="For example, do not leave a voicemail, or do not say you are the police",
        too_long="What we must avoid",
        max_length=MAX_SHORT_TEXT,
        multiline=True,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        ways = set(data.get("safe_contact_ways") or [])
        phone = data.get("applicant_phone", "")
        email = data.get("applicant_email", "")
        if "applicant_phone" in data:
            if {"phone", "text"} & ways and not phone:
                self.add_error("applicant_phone", "Enter a phone number we can safely use")
            elif phone and not valid_phone(phone):
                self.add_error("applicant_phone", "Enter a phone number, like 07700 900 982")
        if "applicant_email" in data:
            if "email" in ways and not email:
                self.add_error("applicant_email", "Enter an email address we can safely use")
            elif email:
                try:
                    forms.EmailField().clean(email)
                except forms.ValidationError:
                    self.add_error(
                        "applicant_email",
                        "Enter an email address in the correct format, like name@example.com",
                    )
        return data


class PersonForm(PublicForm):
    date_fields = ("subject_date_of_birth",)

    subject_name = PublicTextField(
        label="Their full name",
        help_text="As you know it",
        too_long="Their name",
        max_length=MAX_NAME,
        required_message="Enter the name of the person you are concerned about",
    )
    subject_other_names = PublicTextField(
        label="Other names they use (optional)",
        help_text="For example, a nickname or a previous surname",
        too_long="Other names",
        max_length=MAX_NAME,
    )
    subject_date_of_birth = GovukDateField(
        label="Date of birth", help_text="Optional. For example, 27 3 1985", required=False
    )
    subject_age = PublicTextField(
        label="If you do not know their date of birth, how old do you think they are? (optional)",
        help_text="For example, about 40",
        too_long="Their approximate age",
        max_length=MAX_AGE_TEXT,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    subject_address = PublicTextField(
        label="Their address, if you know it (optional)",
        too_long="Their address",
        max_length=MAX_ADDRESS,
        multiline=True,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    subject_description = PublicTextField(
        label="What do they look like? (optional)",
        help_text="For example, their height, build, hair, or any tattoos",
        too_long="The description",
        max_length=MAX_TEXT,
        multiline=True,
    )

    def clean_subject_date_of_birth(self) -> date | None:
        value: date | None = self.cleaned_data["subject_date_of_birth"]
        if value is not None and value >= timezone.localdate():
            raise forms.ValidationError("Date of birth must be in the past")
        return value


class AccessForm(PublicForm):
    subject_access = PublicTextField(label="", max_length=MAX_TEXT, required_message="-", multiline=True)
    person_at_risk_name = PublicTextField(
        label="What is the name of the person at risk?",
        too_long="The name of the person at risk",
        max_length=MAX_NAME,
        required_message="Enter the name of the person at risk",
    )

    def __init__(self, *args: Any, scheme: str, third_party: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        access = self.fields["subject_access"]
        if scheme == "csods":
            access.label = "How does this person have contact with the child or children?"
            access.help_text = (
                "For example, they live with the child, look after them, or talk to them online. "
                "Say how often they see the child and whether anyone else is there"
            )
            access.error_messages["required"] = "Enter how the person has contact with the child or children"
        else:
            access.label = (
                "What is their relationship to the person at risk?"
                if third_party
                else "What is their relationship to you?"
            )
            access.help_text = "For example, partner for 6 months, or ex-partner who still visits"
            access.error_messages["required"] = (
                "Enter the person's relationship to you or to the person at risk"
            )
        access.error_messages["max_length"] = f"Your answer must be {MAX_TEXT:,} characters or fewer"
        if not (scheme == "dvds" and third_party):
            del self.fields["person_at_risk_name"]


def _child_fields(number: int) -> dict[str, forms.Field]:
    return {
        f"child_{number}_name": PublicTextField(
            label=f"Child {number}: full name",
            too_long=f"The name of child {number}",
            max_length=MAX_NAME,
        ),
        f"child_{number}_age": PublicTextField(
            label=f"Child {number}: age in years",
            too_long=f"The age of child {number}",
            max_length=3,
            widget=forms.TextInput(attrs={"class": "govuk-input--width-2", "inputmode": "numeric"}),
        ),
    }


class ChildrenForm(PublicForm):
    """Up to MAX_CHILDREN rows; the page shows a few and "Add another child" shows one more.

    Without JavaScript the extra rows cannot appear on their own, so the rows shown travel in a
    hidden field and the "add" button posts the page back with one more.
    """

    rows = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_CHILDREN, required=False)

    def __init__(self, *args: Any, scheme: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scheme = scheme
        for number in range(1, MAX_CHILDREN + 1):
            self.fields.update(_child_fields(number))
        if scheme == "csods":
            self.fields["relationship_to_children"] = PublicTextField(
                label="What is your relationship to the children?",
                help_text="For example, mother, grandfather, neighbour or family friend",
                too_long="Your relationship to the children",
                max_length=MAX_NAME,
                required_message="Enter your relationship to the children",
            )

    def child_rows(self, shown: int) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        return [(n, self[f"child_{n}_name"], self[f"child_{n}_age"]) for n in range(1, shown + 1)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        named = 0
        for number in range(1, MAX_CHILDREN + 1):
            name_key, age_key = f"child_{number}_name", f"child_{number}_age"
            if name_key not in data or age_key not in data:
                continue  # already refused as too long
            name, age = data[name_key], data[age_key]
            if not name and not age:
                continue
            named += 1
            if not name:
                self.add_error(name_key, f"Enter the name of child {number}")
            if not age:
                self.add_error(age_key, f"Enter the age of child {number}")
            elif not age.isdigit() or int(age) > OLDEST_CHILD:
                self.add_error(
                    age_key, f"Enter the age of child {number} as a number from 0 to {OLDEST_CHILD}"
                )
        if self.scheme == "csods" and named == 0 and not self.has_error("child_1_name"):
            self.add_error("child_1_name", "Enter the name and age of at least one child")
        return data

    def stored(self) -> dict[str, Any]:
        data = self.cleaned_data
        children = [
            {"name": data[f"child_{n}_name"], "age": str(int(data[f"child_{n}_age"]))}
            for n in range(1, MAX_CHILDREN + 1)
            if data.get(f"child_{n}_name")
        ]
        return {"children": children, "relationship_to_children": data.get("relationship_to_children", "")}

    @classmethod
    def initial_from(cls, stored: dict[str, Any] | None) -> dict[str, Any]:
        stored = stored or {}
        initial: dict[str, Any] = {"relationship_to_children": stored.get("relationship_to_children", "")}
        for number, child in enumerate(stored.get("children", []), start=1):
            initial[f"child_{number}_name"] = child["name"]
            initial[f"child_{number}_age"] = child["age"]
        return initial


class ConcernForm(PublicForm):
    concern = PublicTextField(
        label="Why are you concerned?",
        help_text=(
            "Tell us what you have seen, heard or been told, and when. "
            "Include anything that makes you think the child or person is at risk"
        ),
        too_long="Why you are concerned",
        max_length=MAX_TEXT,
        required_message="Enter why you are concerned",
        multiline=True,
        widget=forms.Textarea(attrs={"rows": 10}),
    )


class DeclarationForm(GovukForm):
    declaration = forms.BooleanField(
        label="I confirm that the information I have given is true, to the best of my knowledge",
        error_messages={"required": "Confirm that the information you have given is true"},
    )


def submitted_application(answers: dict[str, Any]) -> SubmittedApplication:
    """What the service receives, from the answers kept in the session.

    Raises KeyError, TypeError or ValueError when a page's answers are missing or malformed;
    the service then checks every rule again.
    """
    scheme = answers["scheme"]
    force = answers["force"]
    you = answers["about-you"]
    contact = answers["contact"]
    person = answers["person"]
    access = answers["access"]
    children = answers["children"]
    return SubmittedApplication(
        scheme=str(scheme["scheme"]),
        third_party=bool(scheme["third_party"]),
        receiving_agency_id=int(force["receiving_agency"]),
        applicant_name=str(you["applicant_name"]),
        applicant_date_of_birth=_date(you["applicant_date_of_birth"]),
        applicant_address=str(you["applicant_address"]),
        applicant_postcode=str(you["applicant_postcode"]),
        safe_contact_ways=tuple(str(way) for way in contact["safe_contact_ways"]),
        applicant_phone=str(contact["applicant_phone"]),
        applicant_email=str(contact["applicant_email"]),
        safe_contact_times=str(contact["safe_contact_times"]),
        safe_contact_notes=str(contact["safe_contact_notes"]),
        subject_name=str(person["subject_name"]),
        subject_other_names=str(person["subject_other_names"]),
        subject_date_of_birth=_date(person["subject_date_of_birth"]),
        subject_age=str(person["subject_age"]),
        subject_address=str(person["subject_address"]),
        subject_description=str(person["subject_description"]),
        subject_access=str(access["subject_access"]),
        person_at_risk_name=str(access.get("person_at_risk_name", "")),
        children=tuple(Child(name=str(c["name"]), age=str(c["age"])) for c in children["children"]),
        relationship_to_children=str(children.get("relationship_to_children", "")),
        concern=str(answers["concern"]["concern"]),
    )
