"""Forms of the risk assessment and persons at risk pages. They collect the answers; the services
check every rule again (services_assessments)."""

from typing import Any

from django import forms

from mappa.risk_management.models import ROSH_GROUPS, AssessmentTool, PersonAtRiskKind, RoshLevel
from mappa.web.forms import GovukDateField, GovukForm

_MAX = 10000
_NOT_ASSESSED = ("", "Not assessed")


def _text(label: str, hint: str = "", *, rows: int = 5) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=False,
        max_length=_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"max_length": f"Enter {_MAX} characters or fewer"},
    )


def _rosh(group: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=f"Risk of serious harm to {group.lower()}",
        choices=[_NOT_ASSESSED, *RoshLevel.choices],
        required=False,
        initial="",
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": f"Select the risk of serious harm to {group.lower()}"},
    )


class AssessmentForm(GovukForm):
    """The tool, date, RoSH by group (or the tool's outcome), factors, scenarios and next review."""

    tool = forms.ChoiceField(
        label="Which tool was used?",
        choices=AssessmentTool.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the tool used for the assessment"},
    )
    tool_other = forms.CharField(
        label="Name of the tool (if you chose another tool)",
        required=False,
        max_length=200,
        error_messages={"max_length": "Enter 200 characters or fewer"},
    )
    assessed_on = GovukDateField(
        label="Date of the assessment",
        error_messages={"required": "Enter the date of the assessment"},
    )
    rosh_children = _rosh(ROSH_GROUPS["rosh_children"])
    rosh_public = _rosh(ROSH_GROUPS["rosh_public"])
    rosh_known_adult = _rosh(ROSH_GROUPS["rosh_known_adult"])
    rosh_staff = _rosh(ROSH_GROUPS["rosh_staff"])
    rosh_prisoners = _rosh(ROSH_GROUPS["rosh_prisoners"])
    tool_outcome = forms.CharField(
        label="Outcome from the tool (optional)",
        help_text="For a tool that gives a band or priority rather than risk of serious harm by group, "
        "for example an OM2 or RM2000 category or an ARMS priority. Needed if no group is assessed",
        required=False,
        max_length=200,
        error_messages={"max_length": "Enter 200 characters or fewer"},
    )
    risk_factors = _text("Risk factors (optional)", "What makes harm more likely")
    protective_factors = _text("Protective factors (optional)", "What makes harm less likely")
    scenarios = _text(
        "Scenarios (optional)",
        "Who might be harmed, what the harm would be, when and how it is most likely, and why",
        rows=6,
    )
    next_review_date = GovukDateField(
        label="Next review (optional)",
        required=False,
        help_text="When your agency will review this assessment. For example, 27 3 2027",
    )


class AssessmentEditForm(AssessmentForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class PersonAtRiskForm(GovukForm):
    """Who is at risk: a person from the people index (by record number) or described, or a group."""

    kind = forms.ChoiceField(
        label="Who is at risk?",
        choices=PersonAtRiskKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who is at risk"},
    )
    person = forms.IntegerField(
        label="Person record number (optional)",
        help_text="To link someone in the people index, enter the record number shown at the top of "
        "their person record page (search the people index to find them). Leave this blank for a "
        "group, or for someone not in the index",
        required=False,
        min_value=1,
        error_messages={"invalid": "Enter the record number as digits", "min_value": "Enter a record number"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "numeric"}),
    )
    description = forms.CharField(
        label="Description",
        help_text="For a group, what it is, for example staff of the approved premises. For a person, "
        "how they are connected to the nominal. Needed if no person record is linked",
        required=False,
        max_length=300,
        error_messages={"max_length": "Enter 300 characters or fewer"},
    )
    is_child = forms.BooleanField(
        label="This is a child (under 18)",
        help_text="Set for you if the linked person record's date of birth shows they are under 18",
        required=False,
    )
    address_confidential = forms.BooleanField(
        label="Their address is confidential",
        help_text="Everyone who sees them as at risk is warned that their address must not reach the nominal",
        required=False,
    )
    notes = _text("Notes (optional)", "For example, contact arrangements or safety measures in place", rows=4)


class PersonAtRiskEditForm(PersonAtRiskForm):
    """The same answers, without the person: a different person is a different record."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["person"]


class PersonAtRiskEndForm(GovukForm):
    ended_on = GovukDateField(
        label="Date they stopped being at risk",
        error_messages={"required": "Enter the date they stopped being at risk"},
    )
    reason = _text(
        "Why are they no longer at risk?", "For example, they moved away or the relationship ended"
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reason = self.fields["reason"]
        reason.required = True
        reason.error_messages["required"] = "Enter why they are no longer at risk"
