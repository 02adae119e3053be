"""Forms for information items and the share wizard, rendered the GOV.UK way (mappa/web/forms.py).

The forms check what a page can check on its own (required answers, the answers one question
makes necessary); the sharing rules themselves (agreements, gateways, onward terms) are the
services' to enforce, and their refusals come back onto these forms by field name.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from mappa.agencies.models import Agency, AgreementPurpose
from mappa.information_sharing.attributes import (
    DETAIL,
    MAX_VALUE_LENGTH,
    Attribute,
    attributes_for,
    field_label,
    shareable_fields,
)
from mappa.information_sharing.models import (
    Gateway,
    HandlingCode,
    InformationItem,
    IntelligenceAssessment,
    ItemKind,
    OnwardTerms,
    ProtectiveMarking,
    SourceEvaluation,
    SpecialCategory,
)
from mappa.information_sharing.selectors import ItemView
from mappa.information_sharing.services import (
    MAX_TEXT_LENGTH,
    MIN_STATEMENT_LENGTH,
    ItemContent,
    special_categories_in,
)
from mappa.meetings.models import Meeting
from mappa.web.forms import GovukDateField, GovukForm

SPECIAL_HINT = "Special category: left out of shares unless strictly necessary"
GRADING_FIELDS = ("source_evaluation", "intelligence_assessment", "handling_code")


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _text(label: str, *, max_length: int, required: bool = False, **kwargs: Any) -> forms.CharField:
    messages = {"max_length": f"{label} must be {max_length} characters or fewer"}
    messages.update(kwargs.pop("error_messages", {}))
    return forms.CharField(
        label=label, max_length=max_length, required=required, error_messages=messages, **kwargs
    )


def _special_label(category: str) -> str:
    return str(SpecialCategory(category).label).lower()


# --- items ------------------------------------------------------------------------------------


class ItemKindForm(GovukForm):
    """Step one of recording an item: its kind decides which structured fields the form has."""

    kind = forms.ChoiceField(
        label="What kind of information is it?",
        choices=ItemKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what kind of information this is",
            "invalid_choice": "Choose what kind of information this is",
        },
    )


class ItemForm(GovukForm):
    """The content of an item of one kind: summary, detail, the kind's fields, marking, grading."""

    summary = _text(
        "Summary",
        max_length=200,
        required=True,
        help_text="Always shared with the item: keep special category details out of it",
        error_messages={"required": "Enter a summary"},
    )
    detail = _text(
        "Detail",
        max_length=MAX_TEXT_LENGTH,
        widget=_textarea(6),
        help_text="Everything the item records. Another agency sees it only if a share includes it",
    )
    special_categories = forms.MultipleChoiceField(
        label="Special category information in the detail",
        required=False,
        choices=SpecialCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "Select all the detail contains. The detail is then left out of shares unless it is "
            "strictly necessary"
        ),
    )
    protective_marking = forms.ChoiceField(
        label="Protective marking",
        choices=ProtectiveMarking.choices,
        initial=ProtectiveMarking.OFFICIAL_SENSITIVE,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a marking", "invalid_choice": "Choose a marking"},
    )
    source_evaluation = forms.ChoiceField(
        label="Source", required=False, choices=[("", "Not graded"), *SourceEvaluation.choices]
    )
    intelligence_assessment = forms.ChoiceField(
        label="Intelligence", required=False, choices=[("", "Not graded"), *IntelligenceAssessment.choices]
    )
    handling_code = forms.ChoiceField(
        label="Handling", required=False, choices=[("", "Not graded"), *HandlingCode.choices]
    )

    def __init__(
        self, kind: str, *args: Any, version: bool = False, reason: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.attributes: tuple[Attribute, ...] = attributes_for(kind)
        for spec in self.attributes:
            hint = spec.hint
            if spec.special_category:
                hint = f"{hint}. {SPECIAL_HINT}" if hint else SPECIAL_HINT
            self.fields[f"attr_{spec.name}"] = _text(spec.label, max_length=MAX_VALUE_LENGTH, help_text=hint)
        if version:
            # The version the user saw: the service refuses a save based on an older one.
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
        if reason:
            self.fields["reason"] = _text(
                "Why is it being superseded?",
                max_length=2000,
                required=True,
                widget=_textarea(3),
                help_text="For example, they have moved. The old version is kept as history",
                error_messages={"required": "Enter why the item is being superseded"},
            )

    def attribute_fields(self) -> list[forms.BoundField]:
        return [self[f"attr_{spec.name}"] for spec in self.attributes]

    def grading_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in GRADING_FIELDS]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        grading = [cleaned.get(name) for name in GRADING_FIELDS]
        if any(grading) and not all(grading):
            self.add_error(
                "source_evaluation",
                "Give all three parts of the source grading (source, intelligence and handling) or none",
            )
        return cleaned

    def content(self) -> ItemContent:
        data = self.cleaned_data
        return ItemContent(
            kind=self.kind,
            summary=data["summary"],
            detail=data["detail"],
            attributes={spec.name: data[f"attr_{spec.name}"] for spec in self.attributes},
            special_categories=data["special_categories"],
            protective_marking=data["protective_marking"],
            source_evaluation=data["source_evaluation"],
            intelligence_assessment=data["intelligence_assessment"],
            handling_code=data["handling_code"],
        )


def item_initial(item: InformationItem) -> dict[str, Any]:
    """The form's values for an item as stored: what a change starts from."""
    initial: dict[str, Any] = {
        "summary": item.summary,
        "detail": item.detail,
        "special_categories": list(item.special_categories),
        "protective_marking": item.protective_marking,
        "version": item.version,
        **{name: getattr(item, name) for name in GRADING_FIELDS},
    }
    for spec in attributes_for(item.kind):
        initial[f"attr_{spec.name}"] = item.attributes.get(spec.name, "")
    return initial


class ItemEraseForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = _text(
        "Why are you erasing it?",
        max_length=2000,
        required=True,
        widget=_textarea(3),
        help_text="For example, it was recorded on the wrong person, or it is no longer needed",
        error_messages={"required": "Enter why you are erasing the item"},
    )
    confirm = forms.BooleanField(
        label="I understand the content is erased for good and agencies it was shared with stop seeing it",
        error_messages={"required": "Confirm that you understand the item will be erased"},
    )


# --- the share wizard -------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferedField:
    """A field of an item the user may include in a share: only those with something in them."""

    name: str
    label: str
    special: tuple[str, ...]


def offered_fields(view: ItemView) -> list[OfferedField]:
    """The filled fields of an item the user's agency may pass on: all for the owner, and for
    a recipient only those its share gave it (it cannot pass on what it never received)."""
    item = view.item
    offered = []
    for name in shareable_fields(item.kind):
        value = item.detail if name == DETAIL else item.attributes.get(name)
        if not value or not view.shows(name):
            continue
        special = tuple(special_categories_in(item, [name]))
        offered.append(OfferedField(name, field_label(item.kind, name), special))
    return offered


def default_fields(view: ItemView) -> list[str]:
    """Fields chosen to begin with: everything but special category content, left out by default."""
    return [field.name for field in offered_fields(view) if not field.special]


@dataclass
class ItemRow:
    """One shareable item on the items page: its checkbox and its follow-on questions."""

    view: ItemView
    choice: Any
    fields: forms.BoundField | None
    strictly_necessary: forms.BoundField
    conditional_id: str


class ShareItemsForm(GovukForm):
    """Which items to share, which of their fields, and why any special category content must go."""

    def __init__(self, views: list[ItemView], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.views = views
        self.fields["items"] = forms.MultipleChoiceField(
            label="Which items do you want to share?",
            choices=[(str(view.item.pk), view.item.summary) for view in views],
            widget=forms.CheckboxSelectMultiple,
            help_text="Select all that apply. The summary of each item is always included",
            error_messages={
                "required": "Choose at least one item to share",
                "invalid_choice": "Choose items from the list",
            },
        )
        for view in views:
            pk = view.item.pk
            offered = offered_fields(view)
            if offered:
                self.fields[f"fields_{pk}"] = forms.MultipleChoiceField(
                    label=f"What to include from {view.item.reference}",
                    required=False,
                    choices=[(field.name, self._choice_label(field)) for field in offered],
                    widget=forms.CheckboxSelectMultiple,
                    help_text="The summary is always included. Special category fields are left out "
                    "unless you select them",
                    error_messages={"invalid_choice": "Choose fields from the list"},
                )
            self.fields[f"strictly_necessary_{pk}"] = _text(
                "Why is the special category information strictly necessary?",
                max_length=MAX_TEXT_LENGTH,
                widget=_textarea(3),
                help_text="Only if you include special category information. Say why the other agency "
                "cannot do its part without it",
            )

    @staticmethod
    def _choice_label(field: OfferedField) -> str:
        if not field.special:
            return field.label
        return f"{field.label} (special category: {', '.join(_special_label(s) for s in field.special)})"

    def rows(self) -> list[ItemRow]:
        choices = list(self["items"])
        return [
            ItemRow(
                view=view,
                choice=choice,
                fields=self[f"fields_{view.item.pk}"] if f"fields_{view.item.pk}" in self.fields else None,
                strictly_necessary=self[f"strictly_necessary_{view.item.pk}"],
                conditional_id=f"conditional-items-{view.item.pk}",
            )
            for view, choice in zip(self.views, choices, strict=True)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        by_pk = {str(view.item.pk): view for view in self.views}
        for pk in cleaned.get("items", []):
            item = by_pk[pk].item
            special = special_categories_in(item, cleaned.get(f"fields_{pk}", []))
            if special and not cleaned.get(f"strictly_necessary_{pk}", "").strip():
                labels = ", ".join(_special_label(s) for s in special)
                self.add_error(
                    f"strictly_necessary_{pk}",
                    f"You included {labels} from {item.reference}. Explain why it is strictly necessary, "
                    "or leave those fields out",
                )
        return cleaned

    def chosen(self) -> dict[str, Any]:
        """The answers to keep in the wizard's state: item pks, field names and text only."""
        items = [int(pk) for pk in self.cleaned_data["items"]]
        fields = {str(pk): list(self.cleaned_data.get(f"fields_{pk}", [])) for pk in items}
        necessary = {
            str(pk): self.cleaned_data.get(f"strictly_necessary_{pk}", "").strip()
            for pk in items
            if special_categories_in(self._item(pk), fields[str(pk)])
        }
        return {"items": items, "fields": fields, "strictly_necessary": necessary}

    def _item(self, pk: int) -> InformationItem:
        return next(view.item for view in self.views if view.item.pk == pk)


MEETING_PREFIX = "meeting-"


class ShareRecipientForm(GovukForm):
    """One question, two kinds of answer: an agency (its pk), or a meeting ("meeting-<pk>")."""

    def __init__(
        self, agencies: list[Agency], *args: Any, meetings: Sequence[Meeting] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = agencies
        self.meetings = list(meetings)
        choices = [(str(agency.pk), agency.name) for agency in agencies]
        choices += [(f"{MEETING_PREFIX}{meeting.pk}", meeting.reference) for meeting in self.meetings]
        question, message = (
            ("Who do you want to share with?", "Choose who to share with")
            if self.meetings
            else ("Which agency do you want to share with?", "Choose the agency to share with")
        )
        self.fields["recipient"] = forms.ChoiceField(
            label=question,
            choices=choices,
            widget=forms.RadioSelect,
            error_messages={"required": message, "invalid_choice": message},
        )

    def rows(self) -> list[tuple[Any, str]]:
        """Each agency's radio with its hint: the agency's group decides which gateways it can
        rely on."""
        return [
            (choice, agency.get_group_display())
            for choice, agency in zip(self["recipient"], self.agencies, strict=False)
        ]

    def meeting_rows(self) -> list[tuple[Any, Meeting]]:
        """Each meeting's radio, after the agencies', with the meeting to describe it."""
        return list(zip(list(self["recipient"])[len(self.agencies) :], self.meetings, strict=True))

    def answer(self) -> tuple[str, int]:
        """("agency", pk) or ("meeting", pk)."""
        value = self.cleaned_data["recipient"]
        if value.startswith(MEETING_PREFIX):
            return "meeting", int(value.removeprefix(MEETING_PREFIX))
        return "agency", int(value)


_STATEMENT_MESSAGE = "Explain {what} in a sentence or more: it is the record of why this sharing is lawful"


def _statement(label: str, what: str, hint: str) -> forms.CharField:
    return _text(
        label,
        max_length=MAX_TEXT_LENGTH,
        required=True,
        min_length=MIN_STATEMENT_LENGTH,
        widget=_textarea(4),
        help_text=hint,
        error_messages={
            "required": f"Explain {what}",
            "min_length": _STATEMENT_MESSAGE.format(what=what),
        },
    )


class ShareTermsForm(GovukForm):
    """The purpose, the lawful gateway, the three tests, onward sharing and an end date."""

    purpose = forms.ChoiceField(
        label="What is the information for?",
        choices=AgreementPurpose.choices,
        initial=AgreementPurpose.MAPPA,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the purpose", "invalid_choice": "Choose the purpose"},
    )
    purpose_detail = _text(
        "What will the information be used for?",
        max_length=MAX_TEXT_LENGTH,
        widget=_textarea(3),
        help_text="Needed unless the purpose is MAPPA risk assessment and management",
    )
    gateway = forms.ChoiceField(
        label="Which law allows you to share it?",
        choices=Gateway.choices,
        widget=forms.RadioSelect,
        help_text="The duty to co-operate (s.325(4)) applies only between Responsible Authority and "
        "duty-to-co-operate agencies",
        error_messages={
            "required": "Choose the lawful gateway",
            "invalid_choice": "Choose the lawful gateway",
        },
    )
    gateway_detail = _text(
        "Name the statutory power",
        max_length=300,
        help_text="Only if you chose another statutory power. For example, Children Act 2004 s.11",
    )
    necessity = _statement(
        "Why is sharing necessary?",
        "why sharing is necessary",
        "What the other agency will do with it to manage the risk, and why it could not do that "
        "without this information",
    )
    proportionality = _statement(
        "Why is it proportionate?",
        "why it is proportionate",
        "Why sharing this much, with this agency, is fair to the person given the risk. Say what "
        "you have left out",
    )
    relevance = _statement(
        "Why is it relevant?",
        "why it is relevant",
        "How this information relates to the risk the person poses, or to the purpose you chose",
    )
    onward_terms = forms.ChoiceField(
        label="Can the other agency pass it on?",
        choices=OnwardTerms.choices,
        initial=OnwardTerms.NONE,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether it may be passed on",
            "invalid_choice": "Choose whether it may be passed on",
        },
    )
    expires_on = GovukDateField(
        label="End date (optional)",
        required=False,
        help_text="The other agency stops seeing the information after this date. For example, 27 3 2027",
    )

    def __init__(
        self, onward_agencies: list[Agency], *args: Any, meeting: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # Into a meeting the purpose is the meeting's (MAPPA risk assessment and management) and
        # nothing may be passed on (its confidentiality): not questions, so not asked.
        self.meeting = meeting
        if meeting:
            for name in ("purpose", "purpose_detail", "onward_terms"):
                del self.fields[name]
            self.fields["gateway"].help_text = (
                "The duty to co-operate (s.325(4)) covers Responsible Authority and duty-to-co-operate "
                "agencies sharing into a MAPPA meeting. An associate agency names another power"
            )
            return
        if onward_agencies:
            self.fields["onward_agencies"] = forms.MultipleChoiceField(
                label="Which agencies may it be passed on to?",
                required=False,
                choices=[(str(agency.pk), agency.name) for agency in onward_agencies],
                widget=forms.CheckboxSelectMultiple,
                help_text="Only if it may be passed on to the agencies named",
                error_messages={"invalid_choice": "Choose agencies from the list"},
            )
            self.order_fields([name for name in self.fields if name != "expires_on"] + ["expires_on"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        purpose = cleaned.get("purpose")
        if purpose and purpose != AgreementPurpose.MAPPA and not cleaned.get("purpose_detail", "").strip():
            self.add_error("purpose_detail", "Say what the information will be used for")
        if cleaned.get("gateway") == Gateway.OTHER and not cleaned.get("gateway_detail", "").strip():
            self.add_error("gateway_detail", "Name the statutory power you are relying on")
        if cleaned.get("onward_terms") == OnwardTerms.NAMED_AGENCIES and not cleaned.get("onward_agencies"):
            field = "onward_agencies" if "onward_agencies" in self.fields else "onward_terms"
            self.add_error(field, "Name the agencies it may be passed on to")
        expires: date | None = cleaned.get("expires_on")
        if expires is not None and expires <= timezone.localdate():
            self.add_error("expires_on", "The end date must be in the future")
        return cleaned

    def answers(self) -> dict[str, Any]:
        """The answers to keep in the wizard's state (JSON: pks, text and an ISO date)."""
        data = dict(self.cleaned_data)
        if self.meeting:
            data.update(purpose=AgreementPurpose.MAPPA, purpose_detail="", onward_terms=OnwardTerms.NONE)
        named = data["onward_terms"] == OnwardTerms.NAMED_AGENCIES
        return {
            "purpose": data["purpose"],
            "purpose_detail": data["purpose_detail"].strip()
            if data["purpose"] != AgreementPurpose.MAPPA
            else "",
            "gateway": data["gateway"],
            "gateway_detail": data["gateway_detail"].strip() if data["gateway"] == Gateway.OTHER else "",
            "necessity": data["necessity"].strip(),
            "proportionality": data["proportionality"].strip(),
            "relevance": data["relevance"].strip(),
            "onward_terms": data["onward_terms"],
            "onward_agencies": [int(pk) for pk in data.get("onward_agencies", [])] if named else [],
            "expires_on": data["expires_on"].isoformat() if data.get("expires_on") else None,
        }


class ShareRevokeForm(GovukForm):
    reason = _text(
        "Why are you revoking the share?",
        max_length=2000,
        required=True,
        widget=_textarea(4),
        help_text="The other agency can see this reason",
        error_messages={"required": "Enter why you are revoking the share"},
    )
