"""The decision pages: a nominal's disclosures, proposing one, the record as a task list, one page
per task, the owning agency's agreement, the decision, ratification and withdrawal.

Every page about a disclosure opens it through access.open_disclosure, which records the
consultation (with the reason the user gave to open the case, if they had to give one); a part
of a record (a recipient, an item chosen) is found through its access function first, then its
record is opened. Who may act is checked before anything is opened, so a refusal records no
consultation, and again in the services. The nominal's own list opens the nominal
(nominals.opening.open_nominal).

The delivery phase (preparation, delivery, review) is another part of the app
(views_delivery.py): the record page merges its context and includes its task list partial,
and renders without them while they do not exist.
"""

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from mappa.agencies.models import Agency
from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.disclosures import selectors
from mappa.disclosures import services_decision as services
from mappa.disclosures.access import (
    access_alternative,
    access_consultation,
    access_disclosure_item,
    access_recipient,
    can_agree_item,
    can_decide,
    can_ratify,
    can_record,
    is_open_proposal,
    open_disclosure,
    runs_scheme_disclosure,
)
from mappa.disclosures.forms_decision import (
    AlternativeForm,
    ConfirmForm,
    ConsultationForm,
    DecideForm,
    DetailsForm,
    ItemAgreeForm,
    ItemChoiceForm,
    ItemFieldsForm,
    OffenderRiskForm,
    ProposeForm,
    RatifyForm,
    RecipientForm,
    TestsForm,
    WithdrawForm,
    YouthForm,
    default_field_names,
)
from mappa.disclosures.models import (
    Disclosure,
    DisclosureItem,
    DisclosureStatus,
    Outcome,
    RatificationStatus,
)
from mappa.disclosures.services import disclosures_listed, step_labels
from mappa.information_sharing.attributes import DETAIL, SUMMARY, field_label
from mappa.information_sharing.models import InformationItem, SpecialCategory
from mappa.information_sharing.selectors import ItemView, item_list, item_views
from mappa.meetings.selectors import minutes_list
from mappa.nominals.opening import open_nominal
from mappa.web.forms import GovukForm
from mappa.web.page import posted as _posted
from mappa.web.page import refuse as _refused
from mappa.web.page import signed_in_user as _user

_FORM_METHODS = require_http_methods(["GET", "POST"])
DELIVERY_TASKS_TEMPLATE = "disclosures/delivery/_tasks.html"

COMPLETED = "completed"
INCOMPLETE = "incomplete"
CANNOT_START = "cannot_start"


# --- opening a record ---------------------------------------------------------------------------


def _recording(request: HttpRequest, pk: int) -> Disclosure:
    """The record, for a page that fills it in: refused before it is opened."""
    disclosure = open_disclosure(request, pk, record=False)
    if not can_record(request.user, disclosure):
        raise PermissionDenied(services.record_refusal(disclosure))
    return open_disclosure(request, pk)


def _deciding(request: HttpRequest, pk: int) -> Disclosure:
    disclosure = open_disclosure(request, pk, record=False)
    if not can_decide(request.user, disclosure):
        raise PermissionDenied(services.decide_refusal(disclosure))
    return open_disclosure(request, pk)


def _page(disclosure: Disclosure, **extra: Any) -> dict[str, Any]:
    return {
        "disclosure": disclosure,
        "nominal": disclosure.nominal,
        "editable": is_open_proposal(disclosure),
        **extra,
    }


def _to_record(disclosure: Disclosure) -> HttpResponse:
    return redirect("disclosures:disclosure-detail", pk=disclosure.pk)


# --- a nominal's disclosures, and proposing one -------------------------------------------------


@dataclass(frozen=True)
class Row:
    disclosure: Disclosure
    recipient_kinds: list[str]
    overdue: bool


@require_GET
def disclosure_list(request: HttpRequest, nominal_pk: int) -> HttpResponse:
    # Refused before the case is opened, so a refusal records no consultation.
    if not has_permission(request.user, Permission.DISCLOSURE_VIEW):
        raise PermissionDenied("You do not have permission to see disclosures")
    nominal = open_nominal(request, nominal_pk)
    today = timezone.localdate()
    disclosures = selectors.nominal_disclosures(
        nominal_id=nominal.pk, fetched_by=request.user
    ).prefetch_related("recipients")
    rows = [
        Row(
            disclosure,
            sorted({recipient.get_kind_display() for recipient in disclosure.recipients.all()}),
            selectors.delivery_overdue(disclosure, today=today),
        )
        for disclosure in disclosures
    ]
    context = {
        "nominal": nominal,
        "rows": rows,
        "can_propose": has_permission(request.user, Permission.DISCLOSURE_RECORD) and not nominal.is_exited,
    }
    return render(request, "disclosures/disclosure_list.html", context)


def _chosen(choices: list[Any], value: Any) -> Any:
    return next((choice for choice in choices if choice.pk == value), None)


def _query_pk(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


@_FORM_METHODS
def disclosure_create(request: HttpRequest, nominal_pk: int) -> HttpResponse:
    if not has_permission(request.user, Permission.DISCLOSURE_RECORD):
        raise PermissionDenied("You cannot propose disclosures")
    nominal = open_nominal(request, nominal_pk)
    persons = list(selectors.linkable_persons_at_risk(nominal=nominal, fetched_by=request.user))
    plans = list(selectors.linkable_plans(nominal=nominal, fetched_by=request.user))
    # A link from a plan review may name the person at risk and the plan: kept only if they are
    # this nominal's and the user can see them (the choices are exactly those).
    initial = {
        "person_at_risk": pk if _chosen(persons, pk := _query_pk(request, "person_at_risk")) else None,
        "plan": pk if _chosen(plans, pk := _query_pk(request, "plan")) else None,
    }
    form = ProposeForm(data=_posted(request), initial=initial, persons_at_risk=persons, plans=plans)
    if request.method == "POST" and not nominal.is_exited and form.is_valid():
        data = form.cleaned_data
        try:
            disclosure = services.disclosure_propose(
                nominal=nominal,
                purpose=data["purpose"],
                risk_addressed=data["risk_addressed"],
                person_at_risk=_chosen(persons, data["person_at_risk"]),
                plan=_chosen(plans, data["plan"]),
                by=_user(request),
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"Disclosure {disclosure.reference} proposed. Now complete each task")
            return _to_record(disclosure)
    return render(request, "disclosures/disclosure_create.html", {"form": form, "nominal": nominal})


# --- the record as a task list ----------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    title: str
    status: str
    url: str | None = None
    hint: str = ""


def _plural(count: int, word: str, plural: str = "") -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def _tasks(disclosure: Disclosure, user: Any) -> list[Task]:
    """The tasks before the decision, each with its state and (for those who may fill them in,
    while the proposal is open) a link to its page."""
    editable = is_open_proposal(disclosure) and can_record(user, disclosure)

    def url(name: str) -> str | None:
        return reverse(f"disclosures:{name}", args=[disclosure.pk]) if editable else None

    def state(done: bool) -> str:
        return COMPLETED if done else INCOMPLETE

    recipients = list(disclosure.recipients.order_by("id"))
    gaps = sum(1 for recipient in recipients if services.recipient_gaps(recipient))
    entries = list(disclosure.items.select_related("item__owner_agency").order_by("id"))
    problems = [problem for entry in entries for problem in services.item_problems(entry, disclosure)]
    awaiting = sum(
        1
        for entry in entries
        if not entry.owner_refused
        and entry.owner_agreed_by_id is None
        and entry.item.owner_agency_id != disclosure.proposing_agency_id
    )
    alternatives = disclosure.alternatives.count()
    test_gaps = services.tests_gaps(disclosure)
    agencies = len({c.agency_id for c in disclosure.consultations.all()})
    tasks = [
        Task(
            "Purpose and what will be said",
            state(bool(disclosure.purpose and disclosure.information_summary.strip())),
            url("disclosure-edit"),
            ""
            if disclosure.information_summary.strip()
            else "What will be said is needed for a decision to disclose",
        ),
        Task(
            "Recipients",
            state(bool(recipients) and not gaps),
            url("recipient-add"),
            (
                f"{_plural(gaps, 'recipient')} to identify fully"
                if gaps
                else _plural(len(recipients), "recipient")
            )
            if recipients
            else "",
        ),
        Task(
            "Alternatives considered",
            state(alternatives > 0),
            url("alternative-add"),
            _plural(alternatives, "alternative") if alternatives else "",
        ),
        Task(
            "Information to disclose",
            state(bool(entries) and not problems),
            url("item-add"),
            (
                f"{_plural(awaiting, 'item')} awaiting the owning agency's agreement"
                if awaiting
                else (
                    _plural(len(problems), "problem") + " to resolve"
                    if problems
                    else _plural(len(entries), "item")
                )
            )
            if entries
            else "Needed for a decision to disclose",
        ),
        Task(
            "Risk to the offender",
            state(bool(disclosure.offender_risk.strip()) and disclosure.offender_risk_outweighed),
            url("disclosure-offender-risk"),
            "Confirm it does not outweigh the risk to others"
            if disclosure.offender_risk.strip() and not disclosure.offender_risk_outweighed
            else "",
        ),
        Task(
            "The four tests and joint disclosure",
            state(not test_gaps),
            url("disclosure-tests"),
            "" if not test_gaps else "Needed for a decision to disclose",
        ),
    ]
    reasons = services.youth_consultation_reasons(disclosure)
    if reasons or services.youth_consultation_recorded(disclosure):
        tasks.append(
            Task(
                "Youth consultation",
                state(services.youth_consultation_recorded(disclosure)),
                url("disclosure-youth"),
                f"Required because {services.listed(reasons)}" if reasons else "",
            )
        )
    tasks.append(
        Task(
            "Agencies consulted",
            state(agencies >= 2),
            url("consultation-add"),
            "Only for an emergency decision outside a meeting"
            + (f": {_plural(agencies, 'agency', 'agencies')} so far" if agencies else ""),
        )
    )
    return tasks


def _decision_task(disclosure: Disclosure, blockers: dict[str, list[str]]) -> str:
    if disclosure.status != DisclosureStatus.PROPOSED:
        return COMPLETED if disclosure.decided_at else CANNOT_START
    return INCOMPLETE if any(not found for found in blockers.values()) else CANNOT_START


def _delivery_context(request: HttpRequest, disclosure: Disclosure) -> dict[str, Any]:
    """The delivery part's context for the record page (views_delivery.delivery_context), and its
    task list partial, or nothing while that part does not exist. A missing module is expected;
    an error inside one that exists is not hidden."""
    context: dict[str, Any] = {}
    if importlib.util.find_spec("mappa.disclosures.views_delivery") is not None:
        module = importlib.import_module("mappa.disclosures.views_delivery")
        provider: Callable[[HttpRequest, Disclosure], dict[str, Any]] | None = getattr(
            module, "delivery_context", None
        )
        if provider is not None:
            context.update(provider(request, disclosure))
    try:
        get_template(DELIVERY_TASKS_TEMPLATE)
    except TemplateDoesNotExist:
        pass
    else:
        context["delivery_tasks_template"] = DELIVERY_TASKS_TEMPLATE
    return context


@dataclass(frozen=True)
class ItemRow:
    entry: DisclosureItem
    view: ItemView | None  # None: the user cannot read the item (only its reference is shown)
    parts: list[str]


def _item_rows(entries: list[DisclosureItem], user: Any) -> list[ItemRow]:
    items = [entry.item for entry in entries]
    readable = {
        view.item.pk: view
        for view in item_views(
            list(item_list(fetched_by=user).filter(pk__in=[item.pk for item in items])), fetched_by=user
        )
    }
    return [
        ItemRow(
            entry, readable.get(entry.item_id), [field_label(entry.item.kind, name) for name in entry.fields]
        )
        for entry in entries
    ]


@require_GET
def disclosure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    disclosure = open_disclosure(request, pk)
    user = request.user
    proposed = is_open_proposal(disclosure)
    blockers = (
        {
            outcome.value: services.decision_blockers(disclosure, outcome=outcome, forum=None)
            for outcome in (Outcome.DISCLOSE, Outcome.DO_NOT_DISCLOSE)
        }
        if proposed
        else {}
    )
    entries = list(selectors.disclosure_items(disclosure=disclosure, fetched_by=user))
    labels = step_labels()
    steps = [
        {"label": labels.get(step.step, step.step.replace("_", " ").capitalize()), "step": step}
        for step in selectors.disclosure_steps(disclosure=disclosure, fetched_by=user)
    ]
    reasons = services.youth_consultation_reasons(disclosure)
    needs_meeting = proposed or disclosure.ratification == RatificationStatus.PENDING
    deciding = proposed and can_decide(user, disclosure)
    decision = Task(
        "Record the decision",
        _decision_task(disclosure, blockers),
        reverse("disclosures:disclosure-decide", args=[disclosure.pk]) if deciding else None,
        "By the chair of a level 2 or 3 meeting, or in an emergency" if proposed else "",
    )
    context = _page(
        disclosure,
        tasks=[] if disclosure.is_scheme else _tasks(disclosure, user),
        decision_tasks=[decision],
        disclose_blockers=blockers.get(Outcome.DISCLOSE, []),
        do_not_disclose_blockers=blockers.get(Outcome.DO_NOT_DISCLOSE, []),
        can_record=can_record(user, disclosure),
        can_decide=deciding,
        can_ratify=can_ratify(user, disclosure),
        can_withdraw=proposed and can_record(user, disclosure),
        recipients=list(selectors.disclosure_recipients(disclosure=disclosure, fetched_by=user)),
        alternatives=list(selectors.disclosure_alternatives(disclosure=disclosure, fetched_by=user)),
        item_rows=_item_rows(entries, user),
        consultations=list(selectors.disclosure_consultations(disclosure=disclosure, fetched_by=user)),
        youth_reasons=reasons,
        youth_reasons_text=services.listed(reasons) if reasons else "",
        # A scheme disclosure was decided on its application, which records what its decision
        # needed: this record has no grounds of its own to show.
        show_youth=not disclosure.is_scheme
        and (bool(reasons) or services.youth_consultation_recorded(disclosure)),
        next_meeting=selectors.next_meeting_for(disclosure.nominal, fetched_by=user)
        if needs_meeting and disclosure.nominal is not None
        else None,
        steps=steps,
        back=_back_link(disclosure, user),
        readable_minutes=_readable_minutes(disclosure, user),
        **_delivery_context(request, disclosure),
    )
    return render(request, "disclosures/disclosure_detail.html", context)


def _back_link(disclosure: Disclosure, user: Any) -> tuple[str, str] | None:
    """Where the record page leads back to, as (url, label): only to a page the user can open.
    The nominal's disclosures for a record about a nominal; for a scheme disclosure, to its
    scheme officers, the application it delivers (a MAPPA reader of one about a nominal has the
    nominal's list, and cannot open the application); otherwise the dashboard."""
    viewer = has_permission(user, Permission.DISCLOSURE_VIEW)
    # A MAPPA record is seen only by those who see its nominal; a scheme one, also by the force's
    # scheme officers, who may not.
    if (
        disclosure.nominal_id is not None
        and viewer
        and (not disclosure.is_scheme or selectors.nominal_visible(disclosure.nominal_id, fetched_by=user))
    ):
        return reverse("disclosures:disclosure-list", args=[disclosure.nominal_id]), "Back to the disclosures"
    if disclosure.is_scheme and runs_scheme_disclosure(user, disclosure):
        # This app imports nothing of disclosure_schemes: it names the page only by URL.
        application_id = selectors.scheme_application_id(disclosure)
        if application_id is not None:
            return (
                reverse("disclosure_schemes:application-detail", args=[application_id]),
                "Back to the application",
            )
    if viewer:
        return reverse("disclosures:disclosure-dashboard"), "Back to the disclosures"
    return None


def _readable_minutes(disclosure: Disclosure, user: Any) -> set[int]:
    """Which of a scheme disclosure's minutes (decision, ratification) the user may open, so its
    page links only to those: a scheme officer reading one decided at a MAPPA meeting may not be
    one of the meeting's readers. (A MAPPA record's page links its minutes as it always has.)"""
    ids = [pk for pk in (disclosure.decision_minutes_id, disclosure.ratified_minutes_id) if pk is not None]
    if not disclosure.is_scheme or not ids:
        return set()
    return set(minutes_list(fetched_by=user).filter(pk__in=ids).values_list("pk", flat=True))


# --- the tasks before the decision -------------------------------------------------------------------


def _save(
    request: HttpRequest,
    form: GovukForm,
    disclosure: Disclosure,
    write: Callable[[dict[str, Any]], Any],
    done: str,
) -> HttpResponse | None:
    """Validate, call the service, and go back to the record; None to render the form again."""
    if request.method != "POST" or not is_open_proposal(disclosure) or not form.is_valid():
        return None
    try:
        write(form.cleaned_data)
    except ApplicationError as error:
        _refused(form, error)
        return None
    messages.success(request, done)
    return _to_record(disclosure)


@_FORM_METHODS
def disclosure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    disclosure = _recording(request, pk)
    form = DetailsForm(
        data=_posted(request),
        initial={
            "purpose": disclosure.purpose,
            "risk_addressed": disclosure.risk_addressed,
            "information_summary": disclosure.information_summary,
            "version": disclosure.version,
        },
    )
    done = _save(
        request,
        form,
        disclosure,
        lambda data: services.disclosure_update(disclosure=disclosure, by=_user(request), **data),
        "Purpose and what will be said saved",
    )
    return done or render(request, "disclosures/disclosure_edit.html", _page(disclosure, form=form))


def _people(disclosure: Disclosure, user: Any) -> list[Any]:
    """Person records of the case's persons at risk: who a recipient may be linked to. A scheme
    disclosure about someone who is not a nominal has no case, so none."""
    if disclosure.nominal is None:
        return []
    persons = selectors.linkable_persons_at_risk(nominal=disclosure.nominal, fetched_by=user)
    return list({p.person.pk: p.person for p in persons if p.person is not None}.values())


def _recipient_fields(data: dict[str, Any], people: list[Any]) -> dict[str, Any]:
    fields = {name: value for name, value in data.items() if name not in ("person", "version")}
    fields["person"] = _chosen(people, data.get("person"))
    return fields


@_FORM_METHODS
def recipient_add(request: HttpRequest, pk: int) -> HttpResponse:
    disclosure = _recording(request, pk)
    people = _people(disclosure, request.user)
    form = RecipientForm(data=_posted(request), initial={"version": disclosure.version}, people=people)
    done = _save(
        request,
        form,
        disclosure,
        lambda data: services.recipient_add(
            disclosure=disclosure,
            version=data["version"],
            by=_user(request),
            **_recipient_fields(data, people),
        ),
        "Recipient added",
    )
    recipients = list(selectors.disclosure_recipients(disclosure=disclosure, fetched_by=request.user))
    return done or render(
        request,
        "disclosures/recipient_form.html",
        _page(disclosure, form=form, recipients=recipients, adding=True),
    )


def _part(request: HttpRequest, part: Any) -> Disclosure:
    """The record a part belongs to, for a page that changes it: refused before it is opened."""
    if not can_record(request.user, part.disclosure):
        raise PermissionDenied(services.record_refusal(part.disclosure))
    return open_disclosure(request, part.disclosure_id)


@_FORM_METHODS
def recipient_edit(request: HttpRequest, pk: int) -> HttpResponse:
    recipient = access_recipient(request.user, pk)
    disclosure = _part(request, recipient)
    people = _people(disclosure, request.user)
    initial = {
        name: getattr(recipient, name)
        for name in (
            "kind",
            "name",
            "relationship",
            "organisation",
            "is_under_18",
            "identity_confirmed_how",
            "why_right_person",
        )
    }
    initial.update(person=recipient.person_id, version=disclosure.version)
    form = RecipientForm(data=_posted(request), initial=initial, people=people)
    done = _save(
        request,
        form,
        disclosure,
        lambda data: services.recipient_update(
            recipient=recipient, version=data["version"], by=_user(request), **_recipient_fields(data, people)
        ),
        "Recipient changed",
    )
    return done or render(
        request,
        "disclosures/recipient_form.html",
        _page(disclosure, form=form, recipient=recipient, adding=False),
    )


def _remove(
    request: HttpRequest,
    disclosure: Disclosure,
    *,
    what: str,
    rows: list[tuple[str, str]],
    write: Callable[[int], Any],
    done: str,
) -> HttpResponse:
    form = ConfirmForm(data=_posted(request), initial={"version": disclosure.version})
    response = _save(request, form, disclosure, lambda data: write(data["version"]), done)
    return response or render(
        request, "disclosures/remove.html", _page(disclosure, form=form, what=what, rows=rows)
    )


@_FORM_METHODS
def recipient_remove(request: HttpRequest, pk: int) -> HttpResponse:
    recipient = access_recipient(request.user, pk)
    disclosure = _part(request, recipient)
    return _remove(
        request,
        disclosure,
        what="recipient",
        rows=[
            ("Recipient", recipient.get_kind_display()),
            ("Name", recipient.name or "Not known yet"),
            ("Role or relationship", recipient.relationship or "Not given"),
        ],
        write=lambda version: services.recipient_remove(
            recipient=recipient, version=version, by=_user(request)
        ),
        done="Recipient removed",
    )


@_FORM_METHODS
def alternative_add(request: HttpRequest, pk: int) -> HttpResponse:
    disclosure = _recording(request, pk)
    form = AlternativeForm(data=_posted(request), initial={"version": disclosure.version})
    done = _save(
        request,
        form,
        disclosure,
        lambda data: services.alternative_add(disclosure=disclosure, by=_user(request), **data),
        "Alternative recorded",
    )
    alternatives = list(selectors.disclosure_alternatives(disclosure=disclosure, fetched_by=request.user))
    return done or render(
        request, "disclosures/alternative_add.html", _page(disclosure, form=form, alternatives=alternatives)
    )


@_FORM_METHODS
def alternative_remove(request: HttpRequest, pk: int) -> HttpResponse:
    alternative = access_alternative(request.user, pk)
    disclosure = _part(request, alternative)
    return _remove(
        request,
        disclosure,
        what="alternative",
        rows=[("Alternative", alternative.alternative), ("Why it is not enough", alternative.why_rejected)],
        write=lambda version: services.alternative_remove(
            alternative=alternative, version=version, by=_user(request)
        ),
        done="Alternative removed",
    )


def _item_parts(item: InformationItem, view: ItemView | None, names: list[str]) -> list[tuple[str, str]]:
    """Each part chosen, with its content where the user can read it."""
    parts = []
    for name in names:
        value = ""
        if view is not None and (name == SUMMARY or view.shows(name)):
            value = (
                item.summary
                if name == SUMMARY
                else item.detail
                if name == DETAIL
                else item.attributes.get(name, "")
            )
        parts.append((field_label(item.kind, name), value))
    return parts


@_FORM_METHODS
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Two steps without JavaScript: choose the item (a GET form), then its parts (POST)."""
    disclosure = _recording(request, pk)
    # Items are recorded about a nominal: a record about someone else has none to draw on.
    views = (
        selectors.disclosable_items(nominal=disclosure.nominal, fetched_by=request.user)
        if disclosure.nominal is not None
        else []
    )
    chosen_ids = set(disclosure.items.values_list("item_id", flat=True))
    views = [view for view in views if view.item.pk not in chosen_ids]
    item_pk = _query_pk(request, "item")
    view = next((v for v in views if v.item.pk == item_pk), None)
    if item_pk is not None and view is None and request.method == "POST":
        raise Http404("No such item")
    context = _page(
        disclosure, entries=list(selectors.disclosure_items(disclosure=disclosure, fetched_by=request.user))
    )
    if view is None:
        # Bound only once the user has answered, so the first visit shows no error.
        choice = ItemChoiceForm(views, data=request.GET if "item" in request.GET else None)
        if choice.is_bound:
            choice.is_valid()
        return render(
            request, "disclosures/item_add.html", {**context, "form": choice, "views": views, "step": 1}
        )
    form = ItemFieldsForm(
        view,
        data=_posted(request),
        initial={"fields": default_field_names(view), "version": disclosure.version},
    )
    done = _save(
        request,
        form,
        disclosure,
        lambda data: services.item_add(
            disclosure=disclosure,
            version=data["version"],
            item=view.item,
            fields=data["fields"],
            strictly_necessary=data["strictly_necessary"],
            by=_user(request),
        ),
        f"{view.item.reference} added to the information to disclose",
    )
    return done or render(
        request, "disclosures/item_add.html", {**context, "form": form, "view": view, "step": 2}
    )


@_FORM_METHODS
def item_remove(request: HttpRequest, pk: int) -> HttpResponse:
    entry = access_disclosure_item(request.user, pk)
    disclosure = _part(request, entry)
    item = entry.item
    return _remove(
        request,
        disclosure,
        what="information",
        rows=[
            ("Item", f"{item.reference}, {item.get_kind_display().lower()}"),
            ("Owned by", item.owner_agency.name),
            ("Parts chosen", ", ".join(field_label(item.kind, name) for name in entry.fields)),
        ],
        write=lambda version: services.item_remove(disclosure_item=entry, version=version, by=_user(request)),
        done=f"{item.reference} removed from the information to disclose",
    )


# --- the owning agency's agreement --------------------------------------------------------------------


@require_GET
def disclosure_agreements(request: HttpRequest) -> HttpResponse:
    if not has_permission(request.user, Permission.SHARE_CREATE):
        raise PermissionDenied("Only staff who may share their agency's information can agree to disclosures")
    entries = list(selectors.items_awaiting_agreement(fetched_by=request.user))
    shown = [entry.disclosure for entry in entries]
    disclosures_listed(disclosures=shown, page="Disclosures awaiting agreement", by=_user(request))
    return render(request, "disclosures/agreements.html", {"entries": entries})


@_FORM_METHODS
def item_agree(request: HttpRequest, pk: int) -> HttpResponse:
    entry = access_disclosure_item(request.user, pk)
    if not can_agree_item(request.user, entry):
        raise PermissionDenied(
            f"Only {entry.item.owner_agency.name} can agree to its information being disclosed"
        )
    disclosure = open_disclosure(request, entry.disclosure_id)
    item = entry.item
    views = item_views(list(item_list(fetched_by=request.user).filter(pk=item.pk)), fetched_by=request.user)
    form = ItemAgreeForm(data=_posted(request), initial={"version": disclosure.version})
    if request.method == "POST" and is_open_proposal(disclosure) and form.is_valid():
        data = form.cleaned_data
        try:
            services.item_agree(
                disclosure_item=entry,
                agree=data["agree"],
                note=data["note"],
                version=data["version"],
                by=_user(request),
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(
                request,
                f"Your agency's answer on {item.reference} is recorded: "
                + ("it may be disclosed" if data["agree"] else "it must not be disclosed"),
            )
            return redirect("disclosures:disclosure-agreements")
    context = _page(
        disclosure,
        form=form,
        entry=entry,
        item=item,
        parts=_item_parts(item, views[0] if views else None, entry.fields),
        # Who would be told, by kind and relationship only: the owner decides on its information,
        # and needs no more of the recipients' details to do so.
        recipients=list(selectors.disclosure_recipients(disclosure=disclosure, fetched_by=request.user)),
        special=_special_labels(entry.special_categories),
    )
    return render(request, "disclosures/item_agree.html", context)


def _special_labels(categories: list[str]) -> list[str]:
    return [str(SpecialCategory(category).label) for category in categories]


# --- risk to the offender, the tests, youth consultation, agencies consulted -------------------------


@_FORM_METHODS
def disclosure_offender_risk(request: HttpRequest, pk: int) -> HttpResponse:
    disclosure = _recording(request, pk)
    form = OffenderRiskForm(
        data=_posted(request),
        initial={
            "offender_risk": disclosure.offender_risk,
            "outweighed": disclosure.offender_risk_outweighed,
            "version": disclosure.version,
        },
    )
    done = _save(
        request,
        form,
        disclosure,
        lambda data: services.offender_risk_record(disclosure=disclosure, by=_user(request), **data),
        "Risk to the offender saved",
    )
    return done or render(request, "disclosures/offender_risk.html", _page(disclosure, form=form))


_TEST_FIELDS = (
    "gateway",
    "gateway_detail",
    "necessary",
    "proportionate",
    "relevant",
    "joint_disclosure",
    "joint_disclosure_reason",
)


@_FORM_METHODS
def disclosure_tests(request: HttpRequest, pk: int) -> HttpResponse:
    disclosure = _recording(request, pk)
    initial: dict[str, Any] = {name: getattr(disclosure, name) for name in _TEST_FIELDS}
    initial["version"] = disclosure.version
    form = TestsForm(data=_posted(request), initial=initial)
    done = _save(
        request,
        form,
        disclosure,
        lambda data: services.tests_record(disclosure=disclosure, by=_user(request), **data),
        "The four tests and joint disclosure saved",
    )
    return done or render(request, "disclosures/tests.html", _page(disclosure, form=form))


@_FORM_METHODS
def disclosure_youth(request: HttpRequest, pk: int) -> HttpResponse:
    disclosure = _recording(request, pk)
    # Agencies of the nominal's area; a record about someone who is not a nominal has no area (it
    # is never a proposal, so the form only ever shows what was recorded).
    agencies = (
        selectors.youth_agency_choices(nominal=disclosure.nominal, fetched_by=request.user)
        if disclosure.nominal is not None
        else Agency.objects.none()
    )
    form = YouthForm(
        data=_posted(request),
        agencies=agencies,
        initial={
            "name": disclosure.youth_consultee_name,
            "role": disclosure.youth_consultee_role,
            "agency": disclosure.youth_consultee_agency_id,
            "consulted_on": disclosure.youth_consulted_on,
            "view": disclosure.youth_consultee_view,
            "version": disclosure.version,
        },
    )
    done = _save(
        request,
        form,
        disclosure,
        lambda data: services.youth_consultation_record(disclosure=disclosure, by=_user(request), **data),
        "Youth consultation saved",
    )
    reasons = services.youth_consultation_reasons(disclosure)
    return done or render(
        request,
        "disclosures/youth.html",
        _page(disclosure, form=form, reasons=services.listed(reasons) if reasons else ""),
    )


@_FORM_METHODS
def consultation_add(request: HttpRequest, pk: int) -> HttpResponse:
    disclosure = _recording(request, pk)
    agencies = (
        selectors.consultation_agency_choices(nominal=disclosure.nominal, fetched_by=request.user)
        if disclosure.nominal is not None
        else Agency.objects.none()
    )
    form = ConsultationForm(data=_posted(request), agencies=agencies, initial={"version": disclosure.version})
    done = _save(
        request,
        form,
        disclosure,
        lambda data: services.consultation_add(
            disclosure=disclosure,
            version=data["version"],
            agency=data["agency"],
            person_name=data["person_name"],
            person_role=data["person_role"],
            consulted_at=form.consulted_at(),
            view=data["view"],
            by=_user(request),
        ),
        "Consultation recorded",
    )
    consultations = list(selectors.disclosure_consultations(disclosure=disclosure, fetched_by=request.user))
    return done or render(
        request,
        "disclosures/consultation_add.html",
        _page(disclosure, form=form, consultations=consultations),
    )


@_FORM_METHODS
def consultation_remove(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = access_consultation(request.user, pk)
    disclosure = _part(request, consultation)
    return _remove(
        request,
        disclosure,
        what="consultation",
        rows=[
            ("Agency", consultation.agency.name),
            ("Person consulted", f"{consultation.person_name}, {consultation.person_role}"),
        ],
        write=lambda version: services.consultation_remove(
            consultation=consultation, version=version, by=_user(request)
        ),
        done="Consultation removed",
    )


# --- the decision, ratification and withdrawal ----------------------------------------------------------


def _refuse_decision(form: GovukForm, error: ApplicationError) -> None:
    if isinstance(error, services.DecisionBlocked):
        for blocker in error.blockers:
            form.add_error(None, blocker)
        return
    _refused(form, error)


@_FORM_METHODS
def disclosure_decide(request: HttpRequest, pk: int) -> HttpResponse:
    disclosure = _deciding(request, pk)
    user = _user(request)
    choices = list(selectors.decision_minutes_choices(disclosure=disclosure, fetched_by=user))
    form = DecideForm(data=_posted(request), minutes=choices, initial={"version": disclosure.version})
    if request.method == "POST" and is_open_proposal(disclosure) and form.is_valid():
        data = form.cleaned_data
        try:
            decided = services.disclosure_decide(
                disclosure=disclosure,
                version=data["version"],
                outcome=data["outcome"],
                forum=data["forum"],
                rationale=data["rationale"],
                minutes=_chosen(choices, data["minutes"]),
                emergency_reason=data["emergency_reason"],
                single_agency_reason=data["single_agency_reason"],
                by=user,
            )
        except ApplicationError as error:
            _refuse_decision(form, error)
        else:
            messages.success(request, f"Decision recorded: {decided.get_outcome_display().lower()}")
            return _to_record(decided)
    blockers = {
        outcome.value: services.decision_blockers(disclosure, outcome=outcome, forum=None, by=user)
        for outcome in (Outcome.DISCLOSE, Outcome.DO_NOT_DISCLOSE)
    }
    agencies = services.emergency_agencies(disclosure, user)
    context = _page(
        disclosure,
        form=form,
        disclose_blockers=blockers[Outcome.DISCLOSE],
        do_not_disclose_blockers=blockers[Outcome.DO_NOT_DISCLOSE],
        agency_count=len(agencies),
        next_meeting=selectors.next_meeting_for(disclosure.nominal, fetched_by=user)
        if disclosure.nominal is not None
        else None,
    )
    return render(request, "disclosures/decide.html", context)


@_FORM_METHODS
def disclosure_ratify(request: HttpRequest, pk: int) -> HttpResponse:
    disclosure = _deciding(request, pk)
    user = _user(request)
    choices = list(selectors.ratification_minutes_choices(disclosure=disclosure, fetched_by=user))
    form = RatifyForm(data=_posted(request), minutes=choices, initial={"version": disclosure.version})
    pending = disclosure.ratification == RatificationStatus.PENDING
    if request.method == "POST" and pending and form.is_valid():
        data = form.cleaned_data
        try:
            services.disclosure_ratify(
                disclosure=disclosure,
                minutes=_chosen(choices, data["minutes"]),
                ratified=data["ratified"],
                note=data["note"],
                version=data["version"],
                by=user,
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(
                request,
                "Emergency decision ratified"
                if data["ratified"]
                else "Recorded: the decision was not ratified",
            )
            return _to_record(disclosure)
    context = _page(disclosure, form=form, pending=pending, has_choices=bool(choices))
    return render(request, "disclosures/ratify.html", context)


@_FORM_METHODS
def disclosure_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    disclosure = _recording(request, pk)
    form = WithdrawForm(data=_posted(request), initial={"version": disclosure.version})
    done = _save(
        request,
        form,
        disclosure,
        lambda data: services.disclosure_withdraw(disclosure=disclosure, by=_user(request), **data),
        f"Disclosure {disclosure.reference} withdrawn",
    )
    return done or render(request, "disclosures/withdraw.html", _page(disclosure, form=form))
