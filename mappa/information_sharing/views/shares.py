"""Sharing: the guided form (choose items → recipient → purpose, gateway and the tests → check
your answers → confirm), the lists of shares made and received, one share, and revoking it.

The recipient is an agency of the case's area, or a MAPPA meeting still to come that has the
case on its agenda: its attendees read the items once they have signed its confidentiality
statement. The state then holds `meeting` instead of `recipient`, and the terms step does not
ask the purpose or whether it may be passed on: a meeting has one purpose, and its
confidentiality forbids passing on (services._check_meeting enforces both).

The wizard keeps its answers in the session under one key per nominal, as pks and text only,
and writes nothing until the user confirms: then services.share_create checks every rule again
and records the share. The check page runs the same rules (services.share_check) before the
user confirms, so a refusal is shown, with a link to the question to change, before anything
could be shared. Each step refuses to open until the steps before it are answered.
"""

from datetime import date
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from mappa.agencies.models import Agency, AgreementPurpose
from mappa.agencies.selectors import agency_list
from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.information_sharing import access, selectors, services
from mappa.information_sharing.attributes import field_label
from mappa.information_sharing.forms import (
    MEETING_PREFIX,
    ShareItemsForm,
    ShareRecipientForm,
    ShareRevokeForm,
    ShareTermsForm,
    default_fields,
)
from mappa.information_sharing.models import (
    AccessRequest,
    Gateway,
    ItemStatus,
    OnwardShareRequest,
    OnwardTerms,
    Share,
    SpecialCategory,
)
from mappa.information_sharing.selectors import ItemView
from mappa.meetings.models import Meeting, MeetingStatus
from mappa.meetings.selectors import meeting_list
from mappa.nominals.models import Nominal
from mappa.nominals.opening import open_nominal
from mappa.nominals.selectors import acting_agency
from mappa.web.page import posted as _posted
from mappa.web.page import refuse as _refused
from mappa.web.page import signed_in_user as _user

if TYPE_CHECKING:
    pass

PAGE_SIZE = 50
_FORM_METHODS = require_http_methods(["GET", "POST"])
STEPS = ("items", "recipient", "terms")
_STEP_URLS = {
    "items": "information_sharing:share-items",
    "recipient": "information_sharing:share-recipient",
    "terms": "information_sharing:share-terms",
    "check": "information_sharing:share-check",
}
# Radios and checkboxes: the error summary links to the first option, which has the field's id + _0.
_CHOICE_FIELDS = {"items", "recipient", "purpose", "gateway", "onward_terms", "onward_agencies"}


def _agency(request: HttpRequest) -> Agency:
    agency = acting_agency(request.user)
    if agency is None:
        raise PermissionDenied("You are not acting for an active agency")
    return agency


# --- the wizard's state -----------------------------------------------------------------------


def _key(nominal: Nominal) -> str:
    return f"share:{nominal.pk}"


def _state(request: HttpRequest, nominal: Nominal) -> dict[str, Any]:
    return dict(request.session.get(_key(nominal), {}))


def _save(request: HttpRequest, nominal: Nominal, state: dict[str, Any]) -> None:
    request.session[_key(nominal)] = state


def _missing(state: dict[str, Any]) -> str | None:
    """The first question not yet answered, or None when the check page can open."""
    if not state.get("items"):
        return "items"
    if not state.get("recipient") and not state.get("meeting"):
        return "recipient"
    if not state.get("terms"):
        return "terms"
    return None


def _step_url(nominal: Nominal, step: str) -> str:
    return reverse(_STEP_URLS[step], args=[nominal.pk])


def _go_on(nominal: Nominal, state: dict[str, Any]) -> HttpResponse:
    """After an answer: the next unanswered question, or back to check your answers."""
    return redirect(_step_url(nominal, _missing(state) or "check"))


def _before(nominal: Nominal, state: dict[str, Any], step: str) -> HttpResponse | None:
    """A redirect to the first unanswered question before `step`, if there is one."""
    missing = _missing(state)
    if missing is not None and STEPS.index(missing) < (STEPS.index(step) if step in STEPS else len(STEPS)):
        return redirect(_step_url(nominal, missing))
    return None


def _wizard(request: HttpRequest, nominal_pk: int) -> Nominal:
    # The permission first: refusing before opening reveals nothing and records nothing.
    if not has_permission(request.user, Permission.SHARE_CREATE):
        raise PermissionDenied("You cannot share information")
    return open_nominal(request, nominal_pk)


def _shareable(request: HttpRequest, nominal: Nominal) -> list[ItemView]:
    """Active items the user's agency may share on this case: its own, and those it holds under
    a share whose terms name agencies it may pass them to (the service checks which ones)."""
    return [
        view
        for view in selectors.nominal_items(nominal=nominal, fetched_by=request.user)
        if view.item.is_active
        and (view.is_owner or any(share.onward_terms == OnwardTerms.NAMED_AGENCIES for share in view.shares))
    ]


def _recipients(request: HttpRequest, nominal: Nominal) -> list[Agency]:
    """Active agencies of the case's area other than the user's own. Whether an agreement covers
    them is checked on the check page, with words saying what is missing."""
    own = _agency(request)
    return list(
        agency_list(fetched_by=request.user)
        .filter(areas=nominal.area_id, is_active=True)
        .exclude(pk=own.pk)
        .order_by("name")
    )


def _meetings(request: HttpRequest, nominal: Nominal) -> list[Meeting]:
    """Meetings the case could be shared into: scheduled, still to start, in the case's area,
    with the case on the agenda, among those the user may see. The service checks the same."""
    return list(
        meeting_list(fetched_by=request.user)
        .filter(
            status=MeetingStatus.SCHEDULED,
            starts_at__gte=timezone.now(),
            area_id=nominal.area_id,
            agenda_items__nominal=nominal,
        )
        .order_by("starts_at", "pk")
    )


def _fixed_for_meeting(state: dict[str, Any]) -> None:
    """Terms already answered for an agency, made to fit a meeting: its purpose, no passing on."""
    if state.get("terms"):
        state["terms"].update(
            purpose=AgreementPurpose.MAPPA,
            purpose_detail="",
            onward_terms=OnwardTerms.NONE,
            onward_agencies=[],
        )


# --- the steps --------------------------------------------------------------------------------


@require_GET
def share_start(request: HttpRequest, nominal_pk: int) -> HttpResponse:
    """Begin again: optionally with an item chosen, or answering an access or onward request."""
    nominal = _wizard(request, nominal_pk)
    own = _agency(request)
    state: dict[str, Any] = {}
    views = {view.item.pk: view for view in _shareable(request, nominal)}

    def choose(pks: list[int]) -> None:
        chosen = [pk for pk in pks if pk in views]
        state["items"] = chosen
        state["fields"] = {str(pk): default_fields(views[pk]) for pk in chosen}

    if "item" in request.GET:
        choose([_int(request.GET["item"])])
    if "request" in request.GET:
        access_request = access.access_access_request(request.user, _int(request.GET["request"]))
        if access_request.nominal_id != nominal.pk:
            raise Http404("No such request")
        if access_request.owner_agency_id != own.pk:
            raise PermissionDenied("Only the agency that owns the information can answer this request")
        if not access_request.is_pending:
            return redirect("information_sharing:access-request-detail", pk=access_request.pk)
        state.update(
            recipient=access_request.requesting_agency_id,
            fixed_recipient=True,
            access_request=access_request.pk,
            purpose=access_request.purpose,
        )
    elif "onward" in request.GET:
        onward = access.access_onward_request(request.user, _int(request.GET["onward"]))
        if onward.source_share.nominal_id != nominal.pk:
            raise Http404("No such request")
        if onward.owner_agency_id != own.pk:
            raise PermissionDenied("Only the agency that owns the information can answer this request")
        if not onward.is_pending:
            return redirect("information_sharing:onward-request-detail", pk=onward.pk)
        choose([item.pk for item in onward.items.all()])
        state.update(recipient=onward.target_agency_id, fixed_recipient=True, onward_request=onward.pk)
    _save(request, nominal, state)
    return redirect(_step_url(nominal, "items"))


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise Http404("No such object") from None


def _items_initial(views: list[ItemView], state: dict[str, Any]) -> dict[str, Any]:
    chosen = [str(pk) for pk in state.get("items", [])]
    initial: dict[str, Any] = {"items": chosen}
    for view in views:
        pk = str(view.item.pk)
        initial[f"fields_{pk}"] = state.get("fields", {}).get(pk, default_fields(view))
        initial[f"strictly_necessary_{pk}"] = state.get("strictly_necessary", {}).get(pk, "")
    return initial


@_FORM_METHODS
def share_items(request: HttpRequest, nominal_pk: int) -> HttpResponse:
    nominal = _wizard(request, nominal_pk)
    state = _state(request, nominal)
    views = _shareable(request, nominal)
    form = ShareItemsForm(views, data=_posted(request), initial=_items_initial(views, state))
    if request.method == "POST" and form.is_valid():
        state.update(form.chosen())
        _save(request, nominal, state)
        return _go_on(nominal, state)
    context = {"nominal": nominal, "form": form, "rows": form.rows(), "state": state}
    return render(request, "information_sharing/share_items.html", context)


@_FORM_METHODS
def share_recipient(request: HttpRequest, nominal_pk: int) -> HttpResponse:
    nominal = _wizard(request, nominal_pk)
    state = _state(request, nominal)
    if (earlier := _before(nominal, state, "recipient")) is not None:
        return earlier
    if state.get("fixed_recipient"):
        # Answering a request: the agency that asked is the recipient, so there is nothing to choose.
        return _go_on(nominal, state)
    agencies = _recipients(request, nominal)
    meetings = _meetings(request, nominal)
    initial = {}
    if state.get("recipient"):
        initial["recipient"] = str(state["recipient"])
    elif state.get("meeting"):
        initial["recipient"] = f"{MEETING_PREFIX}{state['meeting']}"
    form = ShareRecipientForm(agencies, meetings=meetings, data=_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        kind, pk = form.answer()
        state.pop("recipient", None)
        state.pop("meeting", None)
        if kind == "meeting":
            state["meeting"] = pk
            _fixed_for_meeting(state)
        else:
            state["recipient"] = pk
        _save(request, nominal, state)
        return _go_on(nominal, state)
    context = {"nominal": nominal, "form": form}
    return render(request, "information_sharing/share_recipient.html", context)


def _terms_initial(state: dict[str, Any]) -> dict[str, Any]:
    terms = dict(state.get("terms") or {})
    if not terms:
        return {"purpose": state.get("purpose", AgreementPurpose.MAPPA)}
    terms["onward_agencies"] = [str(pk) for pk in terms.get("onward_agencies", [])]
    if terms.get("expires_on"):
        terms["expires_on"] = date.fromisoformat(terms["expires_on"])
    return terms


@_FORM_METHODS
def share_terms(request: HttpRequest, nominal_pk: int) -> HttpResponse:
    nominal = _wizard(request, nominal_pk)
    state = _state(request, nominal)
    if (earlier := _before(nominal, state, "terms")) is not None:
        return earlier
    own = _agency(request)
    meeting = _meeting(request, state)
    onward = [a for a in _recipients(request, nominal) if a.pk not in (own.pk, state.get("recipient"))]
    form = ShareTermsForm(
        onward, data=_posted(request), initial=_terms_initial(state), meeting=meeting is not None
    )
    if request.method == "POST" and form.is_valid():
        state["terms"] = form.answers()
        _save(request, nominal, state)
        return _go_on(nominal, state)
    back = "items" if state.get("fixed_recipient") else "recipient"
    context = {"nominal": nominal, "form": form, "back": _step_url(nominal, back), "meeting": meeting}
    return render(request, "information_sharing/share_terms.html", context)


# --- check your answers and confirm -----------------------------------------------------------


class _Unanswered(Exception):
    """An answer in the state no longer stands (an item erased, an agency gone): ask again."""

    def __init__(self, step: str) -> None:
        super().__init__(step)
        self.step = step


def _selections(
    request: HttpRequest, nominal: Nominal, state: dict[str, Any]
) -> list[services.ItemSelection]:
    pks = [int(pk) for pk in state["items"]]
    found = {
        item.pk: item
        for item in selectors.item_list(fetched_by=request.user).filter(pk__in=pks, nominal=nominal)
    }
    if any(pk not in found for pk in pks):
        state["items"] = [pk for pk in pks if pk in found]
        _save(request, nominal, state)
        raise _Unanswered("items")
    return [
        services.ItemSelection(
            item=found[pk],
            fields=list(state.get("fields", {}).get(str(pk), [])),
            strictly_necessary=state.get("strictly_necessary", {}).get(str(pk), ""),
        )
        for pk in pks
    ]


def _meeting(request: HttpRequest, state: dict[str, Any]) -> Meeting | None:
    """The meeting chosen, if the user may still see it. Whether it can still take the share
    (scheduled, the case on its agenda) is the service's to say, in words, on the check page."""
    if not state.get("meeting"):
        return None
    return meeting_list(fetched_by=request.user).filter(pk=state["meeting"]).first()


def _terms(request: HttpRequest, nominal: Nominal, state: dict[str, Any]) -> services.ShareTerms:
    answers = state["terms"]
    agencies = agency_list(fetched_by=request.user)
    recipient = agencies.filter(pk=state["recipient"]).first() if state.get("recipient") else None
    meeting = _meeting(request, state)
    if recipient is None and meeting is None:
        state.pop("recipient", None)
        state.pop("meeting", None)
        _save(request, nominal, state)
        raise _Unanswered("recipient")
    expires = answers.get("expires_on")
    return services.ShareTerms(
        recipient=recipient,
        meeting=meeting,
        purpose=answers["purpose"],
        gateway=answers["gateway"],
        necessity=answers["necessity"],
        proportionality=answers["proportionality"],
        relevance=answers["relevance"],
        purpose_detail=answers.get("purpose_detail", ""),
        gateway_detail=answers.get("gateway_detail", ""),
        onward_terms=answers.get("onward_terms", OnwardTerms.NONE),
        onward_agencies=list(agencies.filter(pk__in=answers.get("onward_agencies", [])).order_by("name")),
        expires_on=date.fromisoformat(expires) if expires else None,
    )


def _error_link(nominal: Nominal, state: dict[str, Any], field: str | None) -> str:
    """Where to fix a refusal: the question it is about, at the field itself."""
    if not field:
        return ""
    if field == "items" or field.startswith(("fields_", "strictly_necessary_")):
        step = "items"
    elif field == "recipient":
        if state.get("fixed_recipient"):
            return ""
        step = "recipient"
    else:
        step = "terms"
    choice = field in _CHOICE_FIELDS or field.startswith("fields_")
    anchor = f"id_{field}_0" if choice else f"id_{field}"
    return f"{_step_url(nominal, step)}#{anchor}"


def _requests(
    request: HttpRequest, state: dict[str, Any]
) -> tuple[AccessRequest | None, OnwardShareRequest | None]:
    access_request = (
        access.access_access_request(request.user, state["access_request"])
        if state.get("access_request")
        else None
    )
    onward = (
        access.access_onward_request(request.user, state["onward_request"])
        if state.get("onward_request")
        else None
    )
    return access_request, onward


def _included(selections: list[services.ItemSelection]) -> list[dict[str, Any]]:
    """What each item will carry, in words: its fields and any special category content."""
    rows = []
    for selection in selections:
        item = selection.item
        special = services.special_categories_in(item, selection.fields)
        rows.append(
            {
                "item": item,
                "fields": ["Summary", *(field_label(item.kind, name) for name in selection.fields)],
                "special": [str(SpecialCategory(s).label) for s in special],
                "strictly_necessary": selection.strictly_necessary if special else "",
            }
        )
    return rows


@_FORM_METHODS
def share_check(request: HttpRequest, nominal_pk: int) -> HttpResponse:
    nominal = _wizard(request, nominal_pk)
    state = _state(request, nominal)
    if (earlier := _before(nominal, state, "check")) is not None:
        return earlier
    try:
        selections = _selections(request, nominal, state)
        terms = _terms(request, nominal, state)
    except _Unanswered as unanswered:
        return redirect(_step_url(nominal, _missing(state) or unanswered.step))
    access_request, onward_request = _requests(request, state)
    error: ApplicationError | None = None
    check = None
    try:
        check = services.share_check(selections=selections, terms=terms, by=_user(request))
    except ApplicationError as refused:
        error = refused
    if request.method == "POST" and error is None:
        try:
            share = services.share_create(
                selections=selections,
                terms=terms,
                by=_user(request),
                access_request=access_request,
                onward_request=onward_request,
            )
        except ApplicationError as refused:
            error = refused
        else:
            request.session.pop(_key(nominal), None)
            messages.success(request, f"Information shared with {terms.recipient_name}: {share.reference}")
            return redirect("information_sharing:share-detail", pk=share.pk)
    context = {
        "nominal": nominal,
        "state": state,
        "terms": terms,
        "included": _included(selections),
        "check": check,
        "error": error,
        "error_link": _error_link(nominal, state, error.field if error else None),
        "purpose_label": AgreementPurpose(terms.purpose).label
        if terms.purpose in AgreementPurpose.values
        else "",
        "gateway_label": Gateway(terms.gateway).label if terms.gateway in Gateway.values else "",
        "onward_label": OnwardTerms(terms.onward_terms).label
        if terms.onward_terms in OnwardTerms.values
        else "",
        "access_request": access_request,
        "onward_request": onward_request,
        "meeting": terms.meeting,
        "urls": {step: _step_url(nominal, step) for step in STEPS},
    }
    return render(request, "information_sharing/share_check.html", context)


# --- shares -----------------------------------------------------------------------------------

_LISTS = {
    "made": "Shared by your agency",
    "received": "Shared with your agency",
    "meetings": "Shared into meetings you have signed for",
    "onward": "Your agency's information passed on by others",
}


@require_GET
def share_list(request: HttpRequest) -> HttpResponse:
    if not has_permission(request.user, Permission.ITEM_VIEW):
        raise PermissionDenied("You cannot see shares")
    own = _agency(request)
    show = request.GET.get("show", "made")
    if show not in _LISTS:
        show = "made"
    lists = {
        "made": selectors.shares_made(fetched_by=request.user),
        "received": selectors.shares_received(fetched_by=request.user),
        # Shares into meetings are the user's, not the agency's: they follow the signature.
        "meetings": selectors.shares_into_meetings(fetched_by=request.user),
        # Shares of items it owns made by the agencies it shared them with (onward sharing).
        "onward": selectors.shares_passed_on(fetched_by=request.user),
    }
    shares = (
        lists[show]
        .select_related("nominal__person", "person")
        .prefetch_related("nominal__person__names", "person__names")
    )
    page = Paginator(shares, PAGE_SIZE).get_page(request.GET.get("page"))
    tabs = [
        {"key": key, "label": label, "count": lists[key].count(), "current": key == show}
        for key, label in _LISTS.items()
    ]
    context = {
        "page": page,
        "show": show,
        "title": _LISTS[show],
        "tabs": tabs,
        "query": f"show={show}",
        "own": own,
    }
    return render(request, "information_sharing/share_list.html", context)


def _can_revoke(request: HttpRequest, share: Share, views: list[ItemView]) -> bool:
    """The sharer, or the owner of items someone else passed on; active shares only."""
    if not share.is_active or not has_permission(request.user, Permission.SHARE_CREATE):
        return False
    agency = acting_agency(request.user)
    if agency is None:
        return False
    return share.sharing_agency_id == agency.pk or any(view.is_owner for view in views)


def _back_tab(share: Share, agency: Agency | None, is_recipient: bool) -> str:
    """The list a share was most likely opened from; "" for the default (made by the agency)."""
    if is_recipient:
        return "received"
    if share.meeting_id is not None and (agency is None or share.sharing_agency_id != agency.pk):
        return "meetings"
    return ""


@require_GET
def share_detail(request: HttpRequest, pk: int) -> HttpResponse:
    share = access.access_share(request.user, pk)
    views = selectors.share_items(share=share, fetched_by=request.user)
    readable = {view.item.pk: view for view in views}
    # The share's own record of what it carried: the share came through access_share, and only
    # the links of items the user may read are shown (field names, never their content).
    links = list(share.share_items.select_related("item").order_by("item_id"))
    rows = [
        {
            "view": readable[link.item_id],
            "fields": ["Summary", *(field_label(link.item.kind, name) for name in link.fields)],
            "special": [str(SpecialCategory(s).label) for s in link.special_categories],
            "strictly_necessary": link.strictly_necessary,
        }
        for link in links
        if link.item_id in readable
    ]
    agency = acting_agency(request.user)
    # The recipient agency, which may ask to pass items on. Attendees of a meeting the share went
    # into are not: a meeting share gives no onward rights (services.onward_request_create).
    is_recipient = agency is not None and share.recipient_agency_id == agency.pk
    context = {
        "share": share,
        "subject": share.nominal.person if share.nominal is not None else share.person,
        "rows": rows,
        "erased": sum(1 for link in links if link.item.status == ItemStatus.ERASED),
        "unavailable": sum(
            1 for link in links if link.item_id not in readable and link.item.status != ItemStatus.ERASED
        ),
        "onward_agencies": list(share.onward_agencies.order_by("name")),
        "is_recipient": is_recipient,
        "back_tab": _back_tab(share, agency, is_recipient),
        "can_revoke": _can_revoke(request, share, views),
        "can_ask_onward": is_recipient
        and share.is_active
        and has_permission(request.user, Permission.SHARE_REQUEST)
        and bool(rows),
    }
    return render(request, "information_sharing/share_detail.html", context)


@_FORM_METHODS
def share_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    share = access.access_share(request.user, pk)
    views = selectors.share_items(share=share, fetched_by=request.user)
    if not _can_revoke(request, share, views):
        if not share.is_active:
            return redirect("information_sharing:share-detail", pk=share.pk)
        raise PermissionDenied("Only the agency that made this share, or owns its items, can revoke it")
    form = ShareRevokeForm(data=_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.share_revoke(share=share, reason=form.cleaned_data["reason"], by=_user(request))
        except ApplicationError as error:
            _refused(form, error)
        else:
            gone = (
                f"The attendees of {share.meeting.reference} no longer see it"
                if share.meeting is not None
                else f"{share.recipient_name} no longer sees it"
            )
            messages.success(request, f"{share.reference} revoked. {gone}")
            return redirect("information_sharing:share-detail", pk=share.pk)
    return render(request, "information_sharing/share_revoke.html", {"share": share, "form": form})
