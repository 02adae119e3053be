"""Forms of the police side of an application: the queue's filters, triage, not proceeding,
identity verification, the safeguarding plan, moving to the next stage and opening a right to
know application. They collect the answers; services_applications checks every rule again,
with the same messages."""

from datetime import date, datetime, time
from typing import Any, cast

from django import forms
from django.utils import timezone

from mappa.disclosure_schemes.schemes import SCHEME_CHOICES, editions
from mappa.disclosure_schemes.services_applications import EVIDENCE, SAFE_WAYS
from mappa.web.forms import GovukDateField, GovukForm, line_field, text_field

YES = "yes"
NO = "no"


def _version() -> forms.IntegerField:
    return forms.IntegerField(widget=forms.HiddenInput)


def stage_choices() -> list[tuple[str, str]]:
    """Every stage code of every edition, labelled by its first label (codes are shared)."""
    labels: dict[str, str] = {}
    for scheme_edition in editions().values():
        for stage in scheme_edition.stages:
            labels.setdefault(stage.code, stage.label)
    return list(labels.items())


class QueueFilterForm(GovukForm):
    """The queue's filters (a GET form: the page works without JavaScript)."""

    scheme = forms.ChoiceField(label="Scheme", required=False)
    stage = forms.ChoiceField(label="Stage", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["scheme"]).choices = [("", "All schemes"), *SCHEME_CHOICES]
        cast(forms.ChoiceField, self.fields["stage"]).choices = [("", "All stages"), *stage_choices()]


class TriageForm(GovukForm):
    immediate_risk = forms.ChoiceField(
        label="Is anyone at immediate risk of harm?",
        help_text="A child or the person at risk in danger now: act at once through the usual "
        "safeguarding procedures, then record what was done",
        widget=forms.RadioSelect,
        choices=[(YES, "Yes"), (NO, "No")],
        error_messages={"required": "Select yes if anyone is at immediate risk of harm"},
    )
    immediate_risk_action = text_field(
        "What was done at once? (if yes)",
        "For example: child protection strategy discussion held; officers attended",
        required=False,
    )
    version = _version()


class NotProceedingForm(GovukForm):
    reason = text_field(
        "Why does the request not proceed under the scheme?",
        "For example a general enquiry not about a named child. Say what the police will do instead "
        "and what the applicant was told",
        "Enter why the request does not proceed under the scheme, and what the police will do instead",
    )
    version = _version()


class VerifyForm(GovukForm):
    """What was seen at the face-to-face meeting. The relationship question is removed for DVDS."""

    identity = line_field(
        EVIDENCE["identity"][0],
        "Ideally two forms: for example a passport or driving licence",
        EVIDENCE["identity"][1],
        max_length=1000,
    )
    address = line_field(
        EVIDENCE["address"][0],
        "For example a utility bill or bank statement",
        EVIDENCE["address"][1],
        max_length=1000,
    )
    relationship = line_field(
        EVIDENCE["relationship"][0],
        "For example a birth certificate or red book",
        EVIDENCE["relationship"][1],
        max_length=1000,
    )
    verified_on = GovukDateField(
        label="Date of the face-to-face meeting",
        error_messages={"required": "Enter the date of the face-to-face meeting"},
    )
    version = _version()

    def __init__(self, needed: tuple[str, ...], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "relationship" not in needed:
            del self.fields["relationship"]

    def verified_at(self) -> datetime:
        """The meeting's date as a time: midday, or now for a meeting earlier today."""
        day: date = self.cleaned_data["verified_on"]
        midday = timezone.make_aware(datetime.combine(day, time(12)))
        # A later day stays in the future, for the service to refuse.
        return min(timezone.now(), midday) if day == timezone.localdate() else midday


class SafeguardingForm(GovukForm):
    plan = text_field(
        "Safeguarding plan",
        "How the person at risk is kept safe while the application waits, how and when the "
        "applicant is kept informed, and when risk will be looked at again",
        "Enter the safeguarding plan: how the person at risk is kept safe and the applicant kept informed",
        rows=8,
    )
    version = _version()


class AdvanceForm(GovukForm):
    note = text_field(
        "Note (optional)", "Anything the next officer should know about this stage", required=False
    )
    version = _version()


class RightToKnowForm(GovukForm):
    source = line_field(
        "Where did the information come from?",
        "For example: Police: information from an investigation",
        "Enter where the information came from",
    )
    person_at_risk_name = line_field(
        "Name of the person at risk", missing="Enter the name of the person at risk"
    )
    subject_name = line_field(
        "Name of the person they may be at risk from",
        missing="Enter the name of the person they may be at risk from",
    )
    subject_date_of_birth = GovukDateField(label="Their date of birth (optional)", required=False)
    subject_address = text_field("Their address (optional)", required=False, rows=3)
    subject_access = text_field(
        "Their relationship to the person at risk",
        "For example: current partner for six months, living together",
        "Enter the relationship between the person at risk and the subject",
        rows=3,
    )
    concern = text_field(
        "Why may the person be at risk?",
        "What the information shows, as far as it can be recorded here",
        "Enter why the person may be at risk",
    )
    safe_contact_ways = forms.MultipleChoiceField(
        label="Safe ways to contact the person at risk",
        help_text="Select all that apply. Every contact uses only these",
        widget=forms.CheckboxSelectMultiple,
        choices=list(SAFE_WAYS.items()),
        error_messages={"required": "Select at least one safe way to contact the person at risk"},
    )
    contact_phone = line_field("Phone number (if phone or text)", required=False, max_length=30)
    contact_email = forms.EmailField(
        label="Email address (if email)",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    contact_address = text_field("Postal address (if letter)", required=False, rows=3)
    safe_contact_times = line_field(
        "When is it safe to make contact?",
        "For example: weekdays between 9am and 3pm",
        "Enter when it is safe to contact the person at risk",
    )
    safe_contact_notes = text_field(
        "Anything else about contact (optional)",
        "For example: do not leave voicemail",
        required=False,
        rows=3,
    )
