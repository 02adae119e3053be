"""Forms of the preparation, delivery and review pages. They collect the answers; the services
(services_delivery.py) check every rule again, and their refusals are shown on these forms.

Every form carries the record's version, so a page loaded before someone else changed the record
is refused rather than saved over their change. Follow-up questions (the reason the offender is
not told, the reason a disclosure was not made in person) are always on the page, so the pages
work without JavaScript; only the answer that needs them makes them required.
"""

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.utils import timezone

from mappa.accounts.models import User
from mappa.disclosures.models import (
    DeliveryMethod,
    DisclosureRecipient,
    NotInformedReason,
    OffenderInvolvement,
    Undertaking,
)
from mappa.web.forms import GovukDateField, GovukForm

_MAX = 10000
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


def _text(
    label: str, hint: str = "", missing: str = "", *, required: bool = False, rows: int = 4
) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=required,
        max_length=_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": missing, "max_length": f"Enter {_MAX} characters or fewer"},
    )


def _version() -> forms.IntegerField:
    return forms.IntegerField(widget=forms.HiddenInput)


class PreparationForm(GovukForm):
    """The preparation questions (disclosure_dp.md §5.1 rule 8). Any may be left blank for now."""

    recipient_already_knows = _text(
        "What does the recipient already know?",
        "About the offender, their offending and the risk, and where they heard it",
    )
    confidentiality_understood = forms.BooleanField(
        label="The recipient understands that the information is confidential and sensitive",
        help_text="That they may use it only to protect themselves or others, must not pass it on without "
        "the discloser's agreement, and that legal proceedings could follow if they do",
        required=False,
    )
    how_to_use = _text("How may the recipient use the information?", "What they may do with it, and what not")
    what_to_report = _text(
        "What should the recipient report if something happens?", "What to report, to whom and how quickly"
    )
    contact_and_support = _text(
        "Whom can the recipient contact, and how do they get support?",
        "Names of roles, telephone numbers of services, and support for victims",
    )
    breakdown_support = _text(
        "What support is there if the arrangement breaks down?",
        "For victims and for the offender, if the relationship or placement ends",
    )
    version = _version()


class TriggerForm(GovukForm):
    if_you_see = _text(
        "If the recipient sees",
        "For example, the offender near the school gates",
        "Enter what the recipient should look out for",
        required=True,
        rows=3,
    )
    you_need_to = _text(
        "They need to",
        "For example, call 999 and then the offender manager",
        "Enter what the recipient needs to do if they see it",
        required=True,
        rows=3,
    )
    version = _version()


class VersionForm(GovukForm):
    """A confirmation with nothing to fill in: removing a trigger, marking as prepared."""

    version = _version()


class OffenderForm(GovukForm):
    involvement = forms.ChoiceField(
        label="Will the offender be told about the disclosure?",
        choices=OffenderInvolvement.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the offender will be told about the disclosure"},
    )
    not_informed_reason = forms.ChoiceField(
        label="If they will not be told, why not?",
        choices=NotInformedReason.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text="Only if the offender will not be told",
    )
    not_informed_detail = _text(
        "Explain why they will not be told",
        "Only if the offender will not be told. Each recipient must then be told that the offender does "
        "not know, before the disclosure is made",
    )
    version = _version()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("involvement") == OffenderInvolvement.NOT_INFORMED:
            if not cleaned.get("not_informed_reason"):
                self.add_error("not_informed_reason", "Select why the offender will not be told")
            if not (cleaned.get("not_informed_detail") or "").strip():
                self.add_error("not_informed_detail", "Explain why the offender will not be told")
        return cleaned


class RecipientToldForm(GovukForm):
    confirmed = forms.BooleanField(
        label="The recipient was told that the offender does not know about the disclosure",
        error_messages={"required": "Confirm that the recipient was told the offender does not know"},
    )
    version = _version()


class PlanDeliveryForm(GovukForm):
    deliverer = forms.TypedChoiceField(
        label="Who will deliver the disclosure?",
        coerce=int,
        help_text="Someone from the police, probation or prison service of the area, or from the agency "
        "that proposed the disclosure",
        error_messages={
            "required": "Choose who will deliver the disclosure",
            "invalid_choice": "Choose who will deliver the disclosure",
        },
    )
    planned_delivery_date = GovukDateField(
        label="When will it be delivered?",
        error_messages={"required": "Enter the date the disclosure will be delivered"},
    )
    version = _version()

    def __init__(
        self, deliverers: Iterable[User], *args: Any, deliverer_hint: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["deliverer"])
        if deliverer_hint:
            field.help_text = deliverer_hint
        field.choices = [
            ("", "Choose who will deliver it"),
            *((user.pk, user.get_full_name() or user.username) for user in deliverers),
        ]


def undertaking_field(recipient: DisclosureRecipient) -> str:
    return f"undertaking_{recipient.pk}"


class DeliverForm(GovukForm):
    """When, how and with whom the disclosure was made, and each recipient's undertaking."""

    date = GovukDateField(
        label="Date the disclosure was made",
        error_messages={"required": "Enter the date the disclosure was made"},
    )
    time = forms.CharField(
        label="Time",
        max_length=5,
        help_text="Use the 24-hour clock, for example 14:30",
        error_messages={"required": "Enter the time the disclosure was made"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}),
    )
    method = forms.ChoiceField(
        label="How was the disclosure made?",
        choices=DeliveryMethod.choices,
        initial=DeliveryMethod.IN_PERSON,
        widget=forms.RadioSelect,
        help_text="In person unless there is a good reason",
        error_messages={"required": "Select how the disclosure was made"},
    )
    method_reason = _text(
        "If it was not made in person, why not?", "Only if it was not made in person", rows=3
    )
    delivered_with = forms.CharField(
        label="Who made the disclosure with you? (optional)",
        help_text="For a joint disclosure, the name and agency of the other person",
        required=False,
        max_length=300,
    )
    note = _text("Notes (optional)", "How the recipient took it, and anything agreed")
    version = _version()

    def __init__(self, recipients: Iterable[DisclosureRecipient], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.recipients = [r for r in recipients if r.undertaking != Undertaking.PROCEED_WITHOUT]
        for recipient in self.recipients:
            # Not required here: the service names each one missing, in the same words as the
            # task list. Checked there, once, for the page and for any other caller.
            self.fields[undertaking_field(recipient)] = forms.ChoiceField(
                label=f"Did {recipient.name} ({recipient.get_kind_display()}) sign the confidentiality "
                "undertaking?",
                choices=[
                    (Undertaking.SIGNED, "Signed"),
                    (
                        Undertaking.REFUSED,
                        "Refused: nothing is disclosed, and the record goes back to the decision-maker",
                    ),
                ],
                widget=forms.RadioSelect,
                required=False,
            )
        order = ["date", "time", "method", "method_reason", "delivered_with"]
        order += [undertaking_field(r) for r in self.recipients]
        self.order_fields([*order, "note", "version"])

    def clean_time(self) -> dt.time:
        value = str(self.cleaned_data.get("time", "")).strip()
        match = _TIME.match(value)
        if not match:
            raise forms.ValidationError(
                "Enter the time as hours and minutes on the 24-hour clock, like 14:30"
            )
        return dt.time(int(match.group(1)), int(match.group(2)))

    def delivered_at(self) -> dt.datetime | None:
        day = self.cleaned_data.get("date")
        at = self.cleaned_data.get("time")
        if day is None or at is None:
            return None
        # As the user reads them, in Europe/London.
        return timezone.make_aware(dt.datetime.combine(day, at))

    def undertakings(self) -> dict[int, str]:
        answers = {}
        for recipient in self.recipients:
            answer = self.cleaned_data.get(undertaking_field(recipient))
            if answer:
                answers[recipient.pk] = str(answer)
        return answers


class ReconsiderForm(GovukForm):
    proceed = forms.TypedChoiceField(
        label="Does the disclosure go ahead?",
        coerce=lambda value: value == "yes",
        choices=[
            ("yes", "Yes: it goes ahead without the refused undertaking"),
            ("no", "No: the decision becomes not to disclose"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the disclosure goes ahead"},
    )
    note = _text(
        "Reason for your decision",
        "Kept as part of the decision. If it goes ahead, say how the risk of the recipient passing the "
        "information on is managed",
        "Enter the reason for your decision",
        required=True,
    )
    version = _version()


class ReviewForm(GovukForm):
    note = _text(
        "Review",
        "What happened after the disclosure (or the decision not to disclose), and any further action",
        "Enter what happened and any further action",
        required=True,
        rows=6,
    )
    version = _version()
