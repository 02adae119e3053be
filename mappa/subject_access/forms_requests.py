"""Forms of the receiving side. They collect the answers; services_requests and services_routing
check every rule again, with the same messages."""

from django import forms

from mappa.web.forms import GovukDateField, GovukForm, line_field, text_field

YES = "yes"
NO = "no"


def _date(label: str, missing: str = "", *, required: bool = True, hint: str | None = None) -> GovukDateField:
    kwargs = {"help_text": hint} if hint else {}
    return GovukDateField(label=label, required=required, error_messages={"required": missing}, **kwargs)


def _version() -> forms.IntegerField:
    return forms.IntegerField(widget=forms.HiddenInput)


class RecordForm(GovukForm):
    subject_name = line_field("Data subject's full name", missing="Enter the data subject's full name")
    subject_other_names = line_field(
        "Other names they have used", "For example a previous surname", required=False, max_length=300
    )
    subject_date_of_birth = _date(
        "Data subject's date of birth", required=False, hint="For example, 17 5 1980"
    )
    subject_address = text_field("Data subject's address", required=False, rows=3)
    subject_postcode = line_field("Postcode", required=False, max_length=10)
    requester_is_subject = forms.ChoiceField(
        label="Who made the request?",
        choices=[(YES, "The data subject"), (NO, "Someone acting for them (a representative)")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select who made the request"},
    )
    requester_name = line_field("Representative's name", required=False)
    requester_capacity = line_field(
        "In what capacity they act", "For example solicitor, parent or attorney", required=False
    )
    requester_authority = text_field(
        "Evidence of their authority seen", "For example a signed form of authority", required=False
    )
    response_address = text_field("Where and how to send the response", required=False, rows=3)
    received_on = _date("Date the request was received", "Enter the date the request was received")
    scope = text_field(
        "What the request asks for",
        "Everything held, or a description of what is wanted",
        "Enter what the request asks for",
    )
    scope_from = _date("Only records made from (optional)", required=False)
    scope_to = _date("Only records made up to (optional)", required=False)


class IdentityForm(GovukForm):
    evidence = text_field(
        "Evidence of identity seen",
        "For example a passport and a recent utility bill",
        "Enter the evidence of identity seen, for example a passport",
    )
    verified_on = _date("Date identity was verified", "Enter the date identity was verified")
    version = _version()


class ClarificationForm(GovukForm):
    what_was_asked = text_field("What was asked for", missing="Enter what was asked for")
    requested_on = _date("Date clarification was asked for", "Enter the date clarification was asked for")
    version = _version()


class ClarificationAnsweredForm(GovukForm):
    answered_on = _date("Date the clarification arrived", "Enter the date the clarification arrived")
    version = _version()


class ExtensionForm(GovukForm):
    months = forms.TypedChoiceField(
        label="Extend by",
        choices=[(1, "One month"), (2, "Two months")],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose an extension of one or two months"},
    )
    reason = text_field(
        "Why more time is needed, as the notice said",
        "The request is complex, or the requester made several",
        "Enter why more time is needed, as the notice said",
    )
    notice_on = _date("Date the notice was sent", "Enter the date the notice was sent")
    version = _version()


class WithdrawForm(GovukForm):
    reason = text_field("Why the request is withdrawn", missing="Enter why the request is withdrawn")
    version = _version()


class SearchForm(GovukForm):
    """The request's details are searched for unless others are typed (a GET form)."""

    name = line_field("Name", "Full name, or surname, forenames", required=False)
    dob = line_field("Date of birth", "For example 17/5/1980, or just a year", required=False, max_length=20)
    postcode = line_field("Postcode", required=False, max_length=10)


class ConfirmForm(GovukForm):
    person_ids = forms.TypedMultipleChoiceField(
        label="Records that are the data subject's",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one record that is the data subject's"},
    )
    note = text_field(
        "Why you are satisfied these are the subject's records",
        "For example: name, date of birth and address match the request",
        "Enter why you are satisfied the records are the subject's",
    )
    version = _version()

    def __init__(self, choices: list[tuple[int, str]], *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["person_ids"].choices = choices  # type: ignore[attr-defined]


class RouteForm(GovukForm):
    version = _version()


class NothingHeldForm(GovukForm):
    note = text_field(
        "How the requester was told nothing is held",
        "For example: letter sent to the address given on 3 March",
        "Enter when and how the requester was told nothing is held",
    )
    version = _version()
