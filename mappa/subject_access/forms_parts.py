"""Forms of the owning agency's pages. They collect answers; services_parts checks every rule
again (the exemption's regime, the marks, the chair's view) and its refusals are shown here."""

from typing import Any, cast

from django import forms

from mappa.subject_access.models import Exemption, ItemDecision, PartItem
from mappa.subject_access.services_parts import allowed_exemptions, mark
from mappa.web.forms import GovukForm

_MAX = 20000


class DecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[(d.value, d.label) for d in ItemDecision if d.value],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a decision"},
    )
    exemption = forms.ChoiceField(
        label="Exemption or restriction",
        help_text="Needed to release with redactions or to withhold",
        required=False,
    )
    reason = forms.CharField(
        label="Why the exemption applies to this item",
        help_text="Needed to release with redactions or to withhold. Decide this item on its own facts",
        required=False,
        max_length=_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, item: PartItem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = allowed_exemptions(item.part.regime)
        exemption = cast(forms.ChoiceField, self.fields["exemption"])
        exemption.choices = [("", "Choose an exemption")] + [
            (e.value, e.label) for e in Exemption if e.value in allowed
        ]
        # One box per section, holding its text: the officer wraps what to remove in [[ ]].
        for index, section in enumerate(item.content):
            text = section.get("text", "")
            self.fields[f"section_{index}"] = forms.CharField(
                label=f"Redactions: {section.get('label', f'Section {index + 1}')}",
                help_text="Only for release with redactions. "
                "Put [[ before and ]] after each piece of text to remove",
                required=False,
                strip=False,
                max_length=_MAX,
                initial=mark(text, item.redactions.get(str(index), [])),
                widget=forms.Textarea(attrs={"rows": max(3, min(12, len(text) // 70 + 2))}),
            )
        self.section_names = [f"section_{index}" for index in range(len(item.content))]

    def marked_texts(self) -> list[str]:
        return [self.cleaned_data.get(name) or "" for name in self.section_names]


class ConsultationForm(GovukForm):
    view = forms.CharField(
        label="Your view on releasing this entry to the data subject",
        help_text="For example, whether anything in it would identify a third party or harm an investigation",
        max_length=_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Give your view on releasing this entry"},
    )


class AnswerForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    response_note = forms.CharField(
        label="How the response was sent",
        help_text="For example, sent by recorded delivery to the address given, on what date",
        max_length=_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say how and when the response was sent"},
    )
