"""Forms of the decision pages: the proposal, each task of the task list, the owner's agreement,
the decision, its ratification and withdrawal. Choices come from the views (the selectors),
already limited to what the user may pick; the services check every rule again. Every form that
changes a record carries the version the page showed (optimistic locking)."""

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from mappa.agencies.models import Agency
from mappa.disclosures.models import DisclosureGateway, Forum, JointDisclosure, Outcome, RecipientKind
from mappa.information_sharing.attributes import SUMMARY
from mappa.information_sharing.forms import offered_fields
from mappa.information_sharing.models import SpecialCategory
from mappa.information_sharing.selectors import ItemView
from mappa.meetings.models import Minutes
from mappa.people.models import Person
from mappa.risk_management.models import PersonAtRisk, RiskManagementPlan
from mappa.web.forms import GovukDateField, GovukForm

_MAX = 10000
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


def _text(
    label: str,
    hint: str = "",
    missing: str = "",
    *,
    required: bool = False,
    rows: int = 5,
    max_length: int = _MAX,
) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": missing, "max_length": f"Enter {max_length} characters or fewer"},
    )


def _line(
    label: str, hint: str = "", missing: str = "", *, required: bool = False, max_length: int = 200
) -> Any:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=required,
        max_length=max_length,
        error_messages={"required": missing, "max_length": f"Enter {max_length} characters or fewer"},
    )


def _version() -> forms.IntegerField:
    return forms.IntegerField(widget=forms.HiddenInput)


def _choose(
    label: str, choices: Iterable[tuple[Any, str]], message: str, **kwargs: Any
) -> forms.TypedChoiceField:
    """A select of ids (coerced to int), with a first "Choose" option."""
    return forms.TypedChoiceField(
        label=label,
        coerce=int,
        choices=[("", "Choose"), *choices],
        error_messages={"required": message, "invalid_choice": message},
        **kwargs,
    )


def minutes_label(minutes: Minutes) -> str:
    meeting = minutes.agenda_item.meeting
    when = timezone.localtime(meeting.starts_at)
    version = f", version {minutes.number}" if minutes.number > 1 else ""
    return (
        f"{meeting.reference}, level {meeting.level} meeting on {when.day} {when:%B %Y} "
        f"(minutes {minutes.get_status_display().lower()}{version})"
    )


def _person_at_risk_label(person: PersonAtRisk) -> str:
    ended = " (no longer at risk)" if not person.is_active else ""
    return f"{person.get_kind_display()}: {person.label}{ended}"


# --- proposing and the purpose ------------------------------------------------------------------------


def _purpose() -> forms.CharField:
    return _text(
        "What is the purpose of the disclosure?",
        "Who it protects, and from what. For example, to let a new partner protect her children",
        "Enter the purpose of the disclosure: who it protects, and from what",
        required=True,
    )


def _risk_addressed() -> forms.CharField:
    return _text(
        "What risk does it address? (optional)",
        "The risk of serious harm from the latest assessment, in plain words",
    )


class ProposeForm(GovukForm):
    purpose = _purpose()
    risk_addressed = _risk_addressed()

    def __init__(
        self,
        *args: Any,
        persons_at_risk: Iterable[PersonAtRisk] = (),
        plans: Iterable[RiskManagementPlan] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person_at_risk"] = _choose(
            "Who does it protect? (optional)",
            ((p.pk, _person_at_risk_label(p)) for p in persons_at_risk),
            "Choose a person at risk from the list",
            required=False,
            help_text="A person or group at risk recorded on the case",
        )
        self.fields["plan"] = _choose(
            "Which risk management plan is it part of? (optional)",
            ((plan.pk, f"Version {plan.number} ({plan.get_status_display().lower()})") for plan in plans),
            "Choose a plan from the list",
            required=False,
        )


class DetailsForm(GovukForm):
    purpose = _purpose()
    risk_addressed = _risk_addressed()
    information_summary = _text(
        "What will the recipients be told?",
        "The information to be disclosed, in the words to be used. Needed for a decision to disclose",
        rows=8,
    )
    version = _version()


# --- recipients ----------------------------------------------------------------------------------------


class RecipientForm(GovukForm):
    kind = forms.ChoiceField(
        label="Who is the recipient?",
        choices=RecipientKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who the recipient is"},
    )
    name = _line("Their name", "Leave blank if you do not know it yet, and give their role instead")
    relationship = _line(
        "Their role, or their relationship to those the disclosure protects",
        "For example, head teacher of the school the children attend",
        max_length=300,
    )
    organisation = _line("Their organisation (optional)", "For an employer, school or other organisation")
    is_under_18 = forms.BooleanField(
        label="The recipient is under 18",
        required=False,
        help_text="A senior youth justice or children's services manager must then be consulted "
        "before the decision",
    )
    identity_confirmed_how = _text(
        "How was their identity confirmed?",
        "For example, passport seen at the police station. You can complete this later, before the decision",
        rows=3,
    )
    why_right_person = _text(
        "Why are they the right person to tell?",
        "Why they are best placed to protect those at risk. You can complete this later",
        rows=3,
    )
    version = _version()

    def __init__(self, *args: Any, people: Iterable[Person] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"] = _choose(
            "Are they a person at risk recorded on the case? (optional)",
            ((person.pk, person.display_name) for person in people),
            "Choose a person from the list",
            required=False,
            help_text="Link the recipient to the person record, for example when telling a victim",
        )
        self.order_fields(
            [
                "kind",
                "name",
                "relationship",
                "organisation",
                "is_under_18",
                "person",
                "identity_confirmed_how",
                "why_right_person",
                "version",
            ]
        )


class AlternativeForm(GovukForm):
    alternative = _text(
        "What alternative to disclosure was considered?",
        "For example, an exclusion zone, or more home visits. For a decision not to disclose, what will be "
        "done instead",
        "Enter the alternative to disclosure",
        required=True,
        rows=3,
    )
    why_rejected = _text(
        "Why is it not enough on its own?",
        "Why it was rejected. For a decision not to disclose, why it manages the risk instead",
        "Enter why this alternative is not enough on its own",
        required=True,
        rows=3,
    )
    version = _version()


class ConfirmForm(GovukForm):
    """A removal: nothing to answer, only the version the page showed."""

    version = _version()


# --- information to disclose ---------------------------------------------------------------------------


class ItemChoiceForm(GovukForm):
    """Step one: which item (sent by GET, so the fields step can follow without JavaScript)."""

    item = forms.TypedChoiceField(
        label="Which information do you want to disclose?",
        coerce=int,
        widget=forms.RadioSelect,
        help_text="Information about this nominal that your agency can read. Choose one item at a time",
        error_messages={
            "required": "Choose the information to disclose",
            "invalid_choice": "Choose from the list",
        },
    )

    def __init__(self, views: list[ItemView], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["item"]).choices = [
            (
                view.item.pk,
                f"{view.item.summary} ({view.item.reference}, {view.item.get_kind_display().lower()}, "
                f"owned by {view.item.owner_agency.name})",
            )
            for view in views
        ]


def _special_label(categories: Iterable[str]) -> str:
    return ", ".join(str(SpecialCategory(c).label).lower() for c in categories)


def field_choices(view: ItemView) -> list[tuple[str, str]]:
    """The parts of an item the user may choose: the summary, and the filled fields they can read
    (information_sharing.forms.offered_fields), special category ones marked."""
    choices = [(SUMMARY, "Summary")]
    for offered in offered_fields(view):
        label = offered.label
        if offered.special:
            label = f"{label} (special category: {_special_label(offered.special)})"
        choices.append((offered.name, label))
    return choices


def default_field_names(view: ItemView) -> list[str]:
    """Chosen to begin with: everything but special category content, which is left out."""
    return [SUMMARY, *(offered.name for offered in offered_fields(view) if not offered.special)]


class ItemFieldsForm(GovukForm):
    """Step two: which parts of the chosen item, and why any special category content must go."""

    strictly_necessary = _text(
        "Why is the special category information strictly necessary?",
        "Only if you include special category information. Say why the recipient cannot protect "
        "those at risk without it",
        rows=3,
    )
    version = _version()

    def __init__(self, view: ItemView, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fields"] = forms.MultipleChoiceField(
            label="Which parts of it do you want to disclose?",
            choices=field_choices(view),
            widget=forms.CheckboxSelectMultiple,
            help_text="Choose only what the recipient needs. Special category information is left out "
            "unless you choose it",
            error_messages={
                "required": "Choose at least one part of the item to disclose",
                "invalid_choice": "Choose the parts to disclose from the list",
            },
        )
        self.order_fields(["fields", "strictly_necessary", "version"])


class ItemAgreeForm(GovukForm):
    agree = forms.TypedChoiceField(
        label="Does your agency agree to this information being disclosed?",
        coerce=lambda value: value == "yes",
        choices=[
            ("yes", "Yes, it may be disclosed as proposed"),
            ("no", "No, it must not be disclosed"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether your agency agrees"},
    )
    note = _text(
        "Your reasons",
        "Needed if your agency does not agree. The proposing agency and the decision-maker will see it",
        rows=4,
    )
    version = _version()


# --- risk to the offender, the tests, consultations -------------------------------------------------------


class OffenderRiskForm(GovukForm):
    offender_risk = _text(
        "What risk would the disclosure pose to the offender?",
        "Vigilantism, self-harm, the effect on their family, and how each would be managed",
        "Enter the risk the disclosure poses to the offender, such as vigilantism, self-harm or the "
        "effect on their family",
        required=True,
    )
    outweighed = forms.BooleanField(
        label="The risk to the offender does not outweigh the risk to others",
        required=False,
        help_text="Needed for a decision to disclose",
    )
    version = _version()


class TestsForm(GovukForm):
    """The four tests and joint disclosure. Any may be left blank and finished later."""

    gateway = forms.ChoiceField(
        label="Lawful: what is the lawful basis for the disclosure?",
        choices=DisclosureGateway.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Choose the lawful basis from the list"},
    )
    gateway_detail = _line("If another statutory power, which one?", "The Act and section", max_length=_MAX)
    necessary = _text(
        "Necessary: why is disclosure needed?",
        "The pressing need: the risk of serious harm it addresses, and why now",
    )
    proportionate = _text(
        "Proportionate: why would less intrusive options not work?",
        "Why the alternatives considered are not enough, and why this much information",
    )
    relevant = _text(
        "Relevant: why is this information relevant?",
        "Which information will be disclosed, and how it helps the recipient protect those at risk",
    )
    joint_disclosure = forms.ChoiceField(
        label="Will the disclosure be made jointly?",
        choices=JointDisclosure.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text="Consider a joint disclosure, for example by police and probation together",
        error_messages={
            "invalid_choice": "Choose whether the disclosure will be made jointly or by one agency"
        },
    )
    joint_disclosure_reason = _text("Why?", "Why jointly, or why one agency is enough", rows=3)
    version = _version()


class YouthForm(GovukForm):
    name = _line(
        "Name of the senior manager consulted",
        missing="Enter the name of the senior manager consulted",
        required=True,
    )
    role = _line(
        "Their role", "For example, head of the Youth Offending Service", "Enter their role", required=True
    )
    consulted_on = GovukDateField(
        label="Date they were consulted", error_messages={"required": "Enter the date they were consulted"}
    )
    view = _text("Their view on the disclosure", missing="Enter their view on the disclosure", required=True)
    version = _version()

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"] = forms.ModelChoiceField(
            label="Their agency",
            queryset=agencies,
            empty_label="Choose",
            error_messages={
                "required": "Choose the youth justice or children's services agency of the manager consulted",
                "invalid_choice": "Choose the agency from the list",
            },
        )
        self.order_fields(["name", "role", "agency", "consulted_on", "view", "version"])


class ConsultationForm(GovukForm):
    person_name = _line(
        "Name of the person consulted", missing="Enter the name of the person consulted", required=True
    )
    person_role = _line("Their role", missing="Enter their role", required=True)
    date = GovukDateField(
        label="Date consulted", error_messages={"required": "Enter the date they were consulted"}
    )
    time = forms.CharField(
        label="Time consulted",
        max_length=5,
        help_text="Use the 24-hour clock, for example 14:30",
        error_messages={"required": "Enter the time they were consulted"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}),
    )
    view = _text(
        "Their view on the disclosure", missing="Enter their view on the disclosure", required=True, rows=4
    )
    version = _version()

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"] = forms.ModelChoiceField(
            label="Agency consulted",
            queryset=agencies,
            empty_label="Choose",
            error_messages={
                "required": "Choose the agency consulted",
                "invalid_choice": "Choose the agency from the list",
            },
        )
        self.order_fields(["agency", "person_name", "person_role", "date", "time", "view", "version"])

    def clean_time(self) -> dt.time:
        match = _TIME.match(str(self.cleaned_data.get("time", "")).strip())
        if not match:
            raise forms.ValidationError(
                "Enter the time as hours and minutes on the 24-hour clock, like 14:30"
            )
        return dt.time(int(match.group(1)), int(match.group(2)))

    def consulted_at(self) -> dt.datetime | None:
        day, at = self.cleaned_data.get("date"), self.cleaned_data.get("time")
        if day is None or at is None:
            return None
        # As the user reads it, in Europe/London.
        return timezone.make_aware(dt.datetime.combine(day, at))


# --- the decision, ratification, withdrawal -----------------------------------------------------------


class DecideForm(GovukForm):
    """The decision. Every follow-up question is on the page at once, so it works without
    JavaScript; the service says which the chosen forum needs."""

    outcome = forms.ChoiceField(
        label="What is the decision?",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to disclose or not to disclose"},
    )
    forum = forms.ChoiceField(
        label="Where is it decided?",
        choices=Forum.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether the decision is made at a meeting or in an emergency outside one"
        },
    )
    rationale = _text(
        "Reasons for the decision",
        "Kept as the record of why the recipients were, or were not, told",
        "Enter the reasons for the decision",
        required=True,
        rows=6,
    )
    emergency_reason = _text(
        "If in an emergency: why could it not wait for a level 2 or 3 meeting?",
        "The next meeting will be asked to ratify the decision",
        rows=3,
    )
    single_agency_reason = _text(
        "If in an emergency with fewer than two agencies: why did one agency decide alone?",
        "Decisions by one agency are strongly discouraged and are flagged for the MAPPA co-ordinator",
        rows=3,
    )
    version = _version()

    def __init__(self, *args: Any, minutes: Iterable[Minutes] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(m.pk, minutes_label(m)) for m in minutes]
        self.fields["minutes"] = forms.TypedChoiceField(
            label="If at a meeting: which meeting's minutes record it?",
            coerce=int,
            choices=choices,
            widget=forms.RadioSelect,
            required=False,
            help_text="Level 2 and 3 meetings about this nominal that you chaired"
            if choices
            else "There are no minutes of a level 2 or 3 meeting about this nominal that you chaired",
            error_messages={"invalid_choice": "Choose the minutes from the list"},
        )
        self.order_fields(
            [
                "outcome",
                "forum",
                "minutes",
                "emergency_reason",
                "single_agency_reason",
                "rationale",
                "version",
            ]
        )


class RatifyForm(GovukForm):
    ratified = forms.TypedChoiceField(
        label="Did the meeting ratify the emergency decision?",
        coerce=lambda value: value == "yes",
        choices=[("yes", "Yes, ratified"), ("no", "No, not ratified")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the meeting ratified the decision"},
    )
    note = _text(
        "Notes",
        "Needed if the meeting did not ratify the decision: why not, and what happens now",
        rows=4,
    )
    version = _version()

    def __init__(self, *args: Any, minutes: Iterable[Minutes] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["minutes"] = forms.TypedChoiceField(
            label="Which meeting's minutes record it?",
            coerce=int,
            choices=[(m.pk, minutes_label(m)) for m in minutes],
            widget=forms.RadioSelect,
            error_messages={
                "required": "Choose the minutes of the meeting that considered the decision",
                "invalid_choice": "Choose the minutes from the list",
            },
        )
        self.order_fields(["minutes", "ratified", "note", "version"])


class WithdrawForm(GovukForm):
    reason = _text(
        "Why is the proposal withdrawn?",
        "It stays on the record, with its reason",
        "Enter why the proposal is withdrawn",
        required=True,
        rows=4,
    )
    version = _version()
