"""Forms of the checks, decision, non-disclosure and referral pages. They collect the answers;
services_outcome checks every rule again, with the same messages."""

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.utils import timezone

from mappa.disclosure_schemes.models import ApplicantTold, SchemeOutcome
from mappa.disclosure_schemes.schemes import FORUMS, SchemeEdition
from mappa.meetings.models import Minutes
from mappa.web.forms import GovukDateField, GovukForm, text_field

NONE_FOUND = "none"


def _version() -> forms.IntegerField:
    return forms.IntegerField(widget=forms.HiddenInput)


def minutes_label(minutes: Minutes) -> str:
    meeting = minutes.agenda_item.meeting
    when = timezone.localtime(meeting.starts_at)
    version = f", version {minutes.number}" if minutes.number > 1 else ""
    return (
        f"{meeting.reference}, level {meeting.level} meeting on {when.day} {when:%B %Y} "
        f"(minutes {minutes.get_status_display().lower()}{version})"
    )


class ChecksForm(GovukForm):
    """Which record, if any, is the subject; and what the checks found."""

    subject_person = forms.ChoiceField(
        label="Which record is the subject of the application?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the record that is the subject, or that none of them is"},
    )
    summary = text_field(
        "What did the checks find?",
        "What is held on the subject across the records your force can see: convictions, "
        "intelligence, other agencies' involvement. The applicant never sees this",
        "Enter what the checks found",
        rows=8,
    )
    version = _version()

    def __init__(self, candidates: Iterable[tuple[int, str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, str]] = [(str(pk), label) for pk, label in candidates]
        choices.append((NONE_FOUND, "None of these: no record of the subject was found"))
        cast(forms.ChoiceField, self.fields["subject_person"]).choices = choices


class DecisionForm(GovukForm):
    """The decision, its forum and rationale, the presumption, the recipient and the applicant.
    Every follow-up question is on the page at once so it works without JavaScript; the service
    says which ones the chosen answers need."""

    outcome = forms.ChoiceField(
        label="What was decided?",
        widget=forms.RadioSelect,
        choices=SchemeOutcome.choices,
        error_messages={"required": "Select the decision: disclose, do not disclose or refer"},
    )
    forum = forms.ChoiceField(
        label="Where was the decision made?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select where the decision was made"},
    )
    rationale = text_field(
        "Rationale",
        "Why disclosure is, or is not, lawful, necessary and proportionate to protect",
        "Enter the rationale for the decision",
        rows=6,
    )
    referred_to = text_field(
        "Who is the application referred to, and why?",
        "Needed if you refer, for example to children's services",
        required=False,
        rows=3,
    )
    recipient_is_applicant = forms.TypedChoiceField(
        label="Who is best placed to protect and would receive any disclosure?",
        widget=forms.RadioSelect,
        coerce=lambda value: value == "yes",
        choices=[("yes", "The applicant"), ("no", "Someone else")],
        error_messages={"required": "Select who would receive any disclosure"},
    )
    recipient_best_placed = text_field(
        "Why is that person best placed to protect?",
        "Needed if the recipient is not the applicant: who they are and why they, not the applicant",
        required=False,
        rows=3,
    )
    applicant_told = forms.ChoiceField(
        label="What is the applicant told?",
        widget=forms.RadioSelect,
        choices=ApplicantTold.choices,
        error_messages={"required": "Select what the applicant is told"},
    )
    applicant_told_reason = text_field(
        "Why is the applicant not told the outcome?",
        "Needed unless the applicant is told the outcome",
        required=False,
        rows=3,
    )
    version = _version()

    def __init__(self, scheme: SchemeEdition, minutes: Iterable[Minutes], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["forum"]).choices = [
            (code, FORUMS[code]) for code in scheme.forums
        ]
        minutes = list(minutes)
        self.minutes_by_pk = {str(m.pk): m for m in minutes}
        if minutes:
            self.fields["minutes"] = forms.ChoiceField(
                label="Minutes of the meeting that made the decision",
                help_text="Needed when the decision was made at a MAPPA meeting about the subject",
                required=False,
                choices=[("", "Choose"), *[(str(m.pk), minutes_label(m)) for m in minutes]],
                error_messages={"invalid_choice": "Choose minutes from the list"},
            )
        if scheme.presumption_to_disclose:
            self.fields["presumption_applies"] = forms.TypedChoiceField(
                label="Does the presumption to disclose apply?",
                help_text="It applies where the subject has convictions for child sexual offences, poses a "
                "risk of harm to the child, and disclosure is necessary",
                widget=forms.RadioSelect,
                coerce=lambda value: value == "yes",
                choices=[("yes", "Yes"), ("no", "No")],
                error_messages={"required": "Select whether the presumption to disclose applies"},
            )
            self.fields["presumption_rebuttal"] = text_field(
                "Why is the presumption rebutted?",
                "Needed if the presumption applies and you decide anything other than to disclose",
                required=False,
                rows=3,
            )
        self.order_fields(
            [
                "outcome",
                "forum",
                "minutes",
                "rationale",
                "presumption_applies",
                "presumption_rebuttal",
                "referred_to",
                "recipient_is_applicant",
                "recipient_best_placed",
                "applicant_told",
                "applicant_told_reason",
                "version",
            ]
        )

    @property
    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "outcome": data["outcome"],
            "forum": data["forum"],
            "minutes": self.minutes_by_pk.get(data.get("minutes") or ""),
            "rationale": data["rationale"],
            "presumption_applies": bool(data.get("presumption_applies", False)),
            "presumption_rebuttal": data.get("presumption_rebuttal", ""),
            "referred_to": data["referred_to"],
            "recipient_is_applicant": data["recipient_is_applicant"],
            "recipient_best_placed": data["recipient_best_placed"],
            "applicant_told": data["applicant_told"],
            "applicant_told_reason": data["applicant_told_reason"],
            "version": data["version"],
        }


class NonDisclosureForm(GovukForm):
    communicated_at = GovukDateField(
        label="Date the decision was communicated",
        error_messages={"required": "Enter the date the decision was communicated"},
    )
    how = forms.ChoiceField(
        label="How was it communicated?",
        help_text="Only the ways the applicant said are safe",
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the decision was communicated"},
    )
    support_referral = text_field(
        "Support offered",
        "The support offered to the applicant and any referral made, or that they declined it",
        "Enter the support offered to the applicant",
    )
    version = _version()

    def __init__(self, ways: Iterable[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["how"]).choices = list(ways)


class ReferralForm(GovukForm):
    support_referral = text_field(
        "What was referred, and what support was offered?",
        "What was passed to the agency referred to, and the support offered to the applicant",
        "Enter what was referred and the support offered to the applicant",
    )
    version = _version()


class ReportFilterForm(GovukForm):
    """The report's date range, sent by GET: it describes the report, not a person."""

    received_from = GovukDateField(label="Received from", required=False)
    received_to = GovukDateField(label="Received to", required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("received_from"), cleaned.get("received_to")
        if start and end and end < start:
            self.add_error("received_to", "Received to must be the same as or after received from")
        return cleaned
