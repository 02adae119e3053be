"""Forms of the meeting pages. Choices come from the views (selectors_meetings), already
limited to what the user may pick; the services check every rule again."""

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from mappa.accounts.models import AgencyMembership, User
from mappa.agencies.models import Agency, MappaArea
from mappa.meetings.models import AgendaItem, Attendee, MeetingKind
from mappa.nominals.models import Nominal
from mappa.web.forms import GovukDateField, GovukForm

_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


def _person(user: User) -> str:
    return user.get_full_name() or user.username


def _nominal_label(nominal: Nominal, *, with_area: bool) -> str:
    label = f"{nominal.person.display_name} (level {nominal.level}"
    return f"{label}, {nominal.area.name})" if with_area else f"{label})"


def _choice(
    label: str, choices: Iterable[tuple[Any, str]], message: str, **kwargs: Any
) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        coerce=int,
        choices=[("", message.replace("Select", "Choose", 1)), *choices],
        error_messages={"required": message, "invalid_choice": message},
        **kwargs,
    )


class MeetingForm(GovukForm):
    """Schedule a meeting (with `areas` and `nominals`) or change one (with `version`)."""

    level = forms.TypedChoiceField(
        label="Level",
        coerce=int,
        choices=[(2, "Level 2"), (3, "Level 3")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select level 2 or level 3"},
    )
    kind = forms.ChoiceField(
        label="Kind of meeting",
        choices=MeetingKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether this is an initial, review or emergency meeting"},
    )
    date = GovukDateField(label="Date", error_messages={"required": "Enter the date of the meeting"})
    time = forms.CharField(
        label="Time",
        max_length=5,
        help_text="Use the 24-hour clock, for example 14:30",
        error_messages={"required": "Enter the time the meeting starts"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}),
    )
    location = forms.CharField(
        label="Place",
        required=False,
        max_length=300,
        help_text="The building and room. Leave blank if the meeting is only by video",
    )
    video_link = forms.CharField(
        label="Video link",
        required=False,
        max_length=200,
        help_text="A web address starting with https://. Leave blank if the meeting is only in person",
        widget=forms.URLInput(attrs={"spellcheck": "false"}),
    )

    def __init__(
        self,
        *args: Any,
        chairs: list[User],
        minute_takers: list[User],
        areas: QuerySet[MappaArea] | None = None,
        nominals: Iterable[Nominal] | None = None,
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        order = ["level", "kind", "date", "time", "location", "video_link", "chair", "minute_taker"]
        if areas is not None:
            self.fields["area"] = forms.ModelChoiceField(
                label="MAPPA area",
                queryset=areas,
                empty_label=None,
                error_messages={
                    "required": "Select the MAPPA area",
                    "invalid_choice": "Select the MAPPA area",
                },
            )
            order.insert(0, "area")
        self.fields["chair"] = _choice(
            "Chair",
            ((user.pk, _person(user)) for user in chairs),
            "Select the chair",
            help_text="A meeting chair of the police or probation service",
        )
        self.fields["minute_taker"] = _choice(
            "Minute-taker",
            ((user.pk, _person(user)) for user in minute_takers),
            "Select the minute-taker",
        )
        if nominals is not None:
            nominals = list(nominals)
            with_area = len({nominal.area_id for nominal in nominals}) > 1
            self.fields["nominals"] = forms.TypedMultipleChoiceField(
                label="Cases to discuss",
                coerce=int,
                choices=[(n.pk, _nominal_label(n, with_area=with_area)) for n in nominals],
                widget=forms.CheckboxSelectMultiple,
                help_text="Nominals managed at level 2 or 3, or referred there. To add another case, "
                "schedule the meeting from the nominal's page",
                error_messages={
                    "required": "Select at least one nominal to discuss",
                    "invalid_choice": "Select only the nominals listed",
                },
            )
            order.append("nominals")
        if editing:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
        self.order_fields(order)

    def clean_time(self) -> dt.time:
        value = str(self.cleaned_data.get("time", "")).strip()
        match = _TIME.match(value)
        if not match:
            raise forms.ValidationError(
                "Enter the time as hours and minutes on the 24-hour clock, like 14:30"
            )
        return dt.time(int(match.group(1)), int(match.group(2)))

    def starts_at(self) -> dt.datetime | None:
        day = self.cleaned_data.get("date")
        at = self.cleaned_data.get("time")
        if day is None or at is None:
            return None
        # The date and time are as the user reads them, in Europe/London.
        return timezone.make_aware(dt.datetime.combine(day, at))


def meeting_initial(meeting: Any) -> dict[str, Any]:
    local = timezone.localtime(meeting.starts_at)
    return {
        "level": meeting.level,
        "kind": meeting.kind,
        "date": local.date(),
        "time": f"{local:%H:%M}",
        "location": meeting.location,
        "video_link": meeting.video_link,
        "chair": meeting.chair_id,
        "minute_taker": meeting.minute_taker_id,
        "version": meeting.version,
    }


class CancelForm(GovukForm):
    reason = forms.CharField(
        label="Why is the meeting cancelled?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Do not name the people discussed: say, for example, that the chair is unavailable "
        "and the meeting will be rearranged",
        error_messages={"required": "Enter why the meeting is cancelled"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class InviteAgencyForm(GovukForm):
    def __init__(self, agencies: QuerySet[Agency], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"] = _choice(
            "Agency",
            ((agency.pk, agency.name) for agency in agencies),
            "Select the agency to invite",
            help_text="Everyone in the agency who attends meetings will see this meeting, and the "
            "agency will be able to open the cases on its agenda",
        )


class InvitePersonForm(GovukForm):
    def __init__(self, memberships: list[AgencyMembership], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"] = _choice(
            "Person",
            ((m.user_id, f"{_person(m.user)}, {m.agency.name}") for m in memberships),
            "Select the person to invite",
        )


class ConfirmForm(GovukForm):
    """A page that asks only for a button press: the form carries the service's refusal."""


class SignForm(GovukForm):
    statement_version = forms.IntegerField(widget=forms.HiddenInput)


class AttendanceForm(GovukForm):
    attendee = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        choices=[("attended", "Attended"), ("apologies", "Sent apologies")],
        error_messages={"required": "Select attended or sent apologies"},
    )

    def __init__(self, attendees: Iterable[Attendee], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.attendees = {attendee.pk: attendee for attendee in attendees}

    def clean_attendee(self) -> Attendee:
        attendee = self.attendees.get(cast(int, self.cleaned_data["attendee"]))
        if attendee is None:
            raise forms.ValidationError("Select someone invited to this meeting")
        return attendee


class ExternalAttendeeForm(GovukForm):
    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter their name"})
    role = forms.CharField(label="Role", max_length=200, error_messages={"required": "Enter their role"})
    organisation = forms.CharField(
        label="Organisation", max_length=200, error_messages={"required": "Enter their organisation"}
    )
    signed = forms.BooleanField(
        label="I have their signature on the confidentiality statement",
        help_text="They read and signed the current statement on paper before the meeting discussed any case",
        error_messages={
            "required": "Confirm that you have their signature on the confidentiality statement: nobody "
            "takes part in a MAPPA meeting without signing it"
        },
    )

    def __init__(self, agencies: QuerySet[Agency], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"] = forms.TypedChoiceField(
            label="Agency of the area they attend for (optional)",
            required=False,
            coerce=int,
            empty_value=None,
            choices=[("", "None"), *((agency.pk, agency.name) for agency in agencies)],
        )
        self.order_fields(["name", "role", "organisation", "agency", "signed"])


class StatementForm(GovukForm):
    how = forms.ChoiceField(
        label="How was the confidentiality statement given for this case?",
        choices=[("read", "Read out"), ("displayed", "Displayed, and attention drawn to it")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the statement was read out or displayed"},
    )


class ReportForm(GovukForm):
    text = forms.CharField(
        label="Your report",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="What your agency knows and wants the meeting to consider",
        error_messages={"required": "Enter your report"},
    )

    def __init__(self, items: Iterable[AgendaItem], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"] = forms.TypedChoiceField(
            label="About",
            required=False,
            coerce=int,
            empty_value=None,
            choices=[("", "The meeting as a whole"), *((i.pk, i.nominal.person.display_name) for i in items)],
        )
        self.order_fields(["agenda_item", "text"])


class AgendaAddForm(GovukForm):
    def __init__(self, nominals: Iterable[Nominal], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nominal"] = _choice(
            "Nominal",
            ((n.pk, _nominal_label(n, with_area=False)) for n in nominals),
            "Select the nominal to add",
        )
