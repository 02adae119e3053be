"""Forms of the pages that start the disclosure of a scheme decision and record the support
offered with it. They collect the answers; services_delivery checks them again, with the same
messages."""

from django import forms

from mappa.disclosures.models import RecipientKind
from mappa.web.forms import GovukForm, line_field, text_field


class DisclosureStartForm(GovukForm):
    """The recipient the decision named, what they will be told, and the risk to the subject."""

    recipient_kind = forms.ChoiceField(
        label="Who is the recipient?",
        choices=RecipientKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who the recipient is"},
    )
    recipient_name = line_field(
        "Recipient's name",
        "The person best placed to protect, as the decision named them",
        "Enter the recipient's name",
    )
    recipient_relationship = line_field(
        "Their relationship to those the disclosure protects",
        "For example, mother of the children named in the application",
        "Enter the recipient's relationship to those the disclosure protects",
        max_length=300,
    )
    identity_confirmed_how = text_field(
        "How was their identity confirmed?",
        "What was seen, and when. Nothing is disclosed to someone whose identity has not been confirmed",
        "Enter how the recipient's identity was confirmed",
        rows=3,
    )
    why_right_person = text_field(
        "Why are they best placed to protect?",
        "Why they, and not someone else, should be told",
        "Enter why the recipient is the person best placed to protect",
        rows=3,
    )
    information_summary = text_field(
        "What will the recipient be told?",
        "The information to be disclosed, in the words to be used: only what they need to protect",
        "Enter what the recipient will be told, in the words to be used",
        rows=6,
    )
    offender_risk = text_field(
        "What risk does the disclosure pose to the subject?",
        "Vigilantism, self-harm, the effect on their family, and why the risk to others outweighs it",
        "Enter the risk to the subject of disclosing, and why the risk to others outweighs it",
        rows=4,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class DisclosureSupportForm(GovukForm):
    support_referral = text_field(
        "Support offered",
        "The support offered to the applicant and the person told, and any referral made, or that "
        "they declined it",
        "Enter the support offered to the applicant and the person told",
        rows=5,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
