"""Pages of one information item: record, read, change, supersede and erase.

Reading goes through access_item, which gives the same 404 for missing and not allowed and
records the consultation; a recipient sees only the fields its shares carry, and is told how
many were left out, never what they say. Only the owning agency changes an item: the pages
refuse anyone else (403), and so do the services. Pages that only check before a write open the
item without recording a consultation, since the write is audited itself.
"""

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.information_sharing import selectors, services
from mappa.information_sharing.access import access_item
from mappa.information_sharing.attributes import attributes_for
from mappa.information_sharing.forms import ItemEraseForm, ItemForm, ItemKindForm, item_initial
from mappa.information_sharing.models import InformationItem, ItemKind, OnwardTerms, SpecialCategory
from mappa.information_sharing.selectors import ItemView
from mappa.nominals.models import Nominal
from mappa.nominals.opening import open_nominal
from mappa.people.access import access_person
from mappa.people.models import Person
from mappa.web.page import posted as _posted
from mappa.web.page import refuse as _refused
from mappa.web.page import signed_in_user as _user

if TYPE_CHECKING:
    pass

_FORM_METHODS = require_http_methods(["GET", "POST"])


def _require(request: HttpRequest, permission: Permission, message: str) -> None:
    if not has_permission(request.user, permission):
        raise PermissionDenied(message)


def _special_labels(values: list[str]) -> list[str]:
    return [str(SpecialCategory(value).label) for value in values if value in SpecialCategory.values]


# --- recording --------------------------------------------------------------------------------


def _create(
    request: HttpRequest, *, nominal: Nominal | None = None, person: Person | None = None
) -> HttpResponse:
    """The two steps of recording an item: its kind (a GET form, so no script is needed), then
    the form for that kind."""
    subject = nominal.person if nominal is not None else person
    context: dict[str, Any] = {"nominal": nominal, "person": subject, "subject_person": person}
    kind = request.GET.get("kind") or ""
    if kind not in ItemKind.values:
        kind_form = ItemKindForm(data=request.GET if "kind" in request.GET else None)
        return render(request, "information_sharing/item_kind.html", {**context, "form": kind_form})
    form = ItemForm(kind, data=_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_create(
                nominal=nominal, person=person, content=form.content(), by=_user(request)
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"Item recorded: {item.reference}")
            return redirect("information_sharing:item-detail", pk=item.pk)
    context.update(form=form, kind_label=ItemKind(kind).label, title="Record information")
    return render(request, "information_sharing/item_form.html", context)


@_FORM_METHODS
def item_create(request: HttpRequest, nominal_pk: int) -> HttpResponse:
    _require(request, Permission.ITEM_RECORD, "You cannot record information")
    nominal = open_nominal(request, nominal_pk)
    return _create(request, nominal=nominal)


@_FORM_METHODS
def person_item_create(request: HttpRequest, person_pk: int) -> HttpResponse:
    _require(request, Permission.ITEM_RECORD, "You cannot record information")
    person = access_person(request.user, person_pk)
    return _create(request, person=person)


# --- reading ----------------------------------------------------------------------------------


def _shown_fields(view: ItemView) -> list[dict[str, Any]]:
    """The structured fields the user may read, each with its special category if it has one."""
    item = view.item
    return [
        {
            "label": spec.label,
            "value": item.attributes[spec.name],
            "special": SpecialCategory(spec.special_category).label if spec.special_category else "",
        }
        for spec in attributes_for(item.kind)
        if view.shows(spec.name) and item.attributes.get(spec.name)
    ]


@require_GET
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    view = access_item(request.user, pk)
    item = view.item
    owner = view.is_owner
    # A successor is linked only if the user may read it: it need not have been shared.
    successor = None
    if item.superseded_by_id is not None:
        successor = selectors.item_list(fetched_by=request.user).filter(pk=item.superseded_by_id).first()
    can_record = owner and item.is_active and has_permission(request.user, Permission.ITEM_RECORD)
    # The owner shares its own items; a recipient passes one on only if its share names agencies.
    can_share = (
        item.is_active
        and item.nominal_id is not None
        and has_permission(request.user, Permission.SHARE_CREATE)
        and (owner or any(share.onward_terms == OnwardTerms.NAMED_AGENCIES for share in view.shares))
    )
    context = {
        "view": view,
        "item": item,
        "subject": item.nominal.person if item.nominal is not None else item.person,
        "fields": _shown_fields(view),
        "show_detail": view.shows("detail"),
        "special_categories": _special_labels(item.special_categories) if view.shows("detail") else [],
        "successor": successor,
        # The owner sees who it has shared the item with; a recipient sees the shares it came through.
        "shared_with": selectors.share_list(fetched_by=request.user).filter(share_items__item_id=item.pk)
        if owner
        else [],
        "can_record": can_record,
        "can_share": can_share,
    }
    return render(request, "information_sharing/item_detail.html", context)


# --- changing ---------------------------------------------------------------------------------


def _owned(request: HttpRequest, pk: int) -> InformationItem:
    """The item if the user's agency owns it and it can still change; 404 if it cannot be seen.

    No consultation is recorded here: the change it leads to is audited itself.
    """
    view = access_item(request.user, pk, record=False)
    if not view.is_owner or not has_permission(request.user, Permission.ITEM_RECORD):
        raise PermissionDenied("Only the agency that owns this item can change it")
    return view.item


def _stored_values(item: InformationItem, form: ItemForm, data: QueryDict) -> list[dict[str, Any]]:
    """The stored item's values beside what the user typed, for the conflict page: what changed."""
    initial = item_initial(item)
    rows = []
    for name, field in form.fields.items():
        if name in ("version", "reason"):
            continue
        stored = initial.get(name)
        if name == "special_categories":
            shown = ", ".join(_special_labels(stored or [])) or "None"
            differs = sorted(data.getlist(name)) != sorted(stored or [])
        else:
            choices = dict(getattr(field, "choices", []) or [])
            shown = str(choices.get(stored, stored) or "") or "None"
            differs = (data.get(name) or "").strip() != str(stored or "").strip()
        rows.append({"label": field.label, "value": shown, "differs": differs})
    return rows


def _conflicted(request: HttpRequest, pk: int, form: ItemForm, error: ApplicationError) -> ItemForm:
    """On a conflict, the same answers with the stored version, so a second save can succeed.

    The user's input stays on the form (nothing they typed is lost), the other person's version
    is shown above it, and the hidden version moves on to the stored one.
    """
    current = access_item(request.user, pk, record=False).item
    data = request.POST.copy()
    data["version"] = str(current.version)
    fresh = ItemForm(form.kind, data=data, version=True, reason="reason" in form.fields)
    fresh.is_valid()
    fresh.add_error(None, error.message)
    fresh.current = current  # type: ignore[attr-defined]
    fresh.current_values = _stored_values(current, fresh, data)  # type: ignore[attr-defined]
    return fresh


def _change(request: HttpRequest, pk: int, *, supersede: bool) -> HttpResponse:
    item = _owned(request, pk)
    if not item.is_active:
        return redirect("information_sharing:item-detail", pk=item.pk)
    form = ItemForm(
        item.kind, data=_posted(request), initial=item_initial(item), version=True, reason=supersede
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if supersede:
                saved = services.item_supersede(
                    item=item,
                    version=data["version"],
                    content=form.content(),
                    reason=data["reason"],
                    by=_user(request),
                )
            else:
                saved = services.item_update(
                    item=item, version=data["version"], content=form.content(), by=_user(request)
                )
        except ApplicationError as error:
            if error.message == services.ITEM_CONFLICT_MESSAGE:
                form = _conflicted(request, pk, form, error)
            else:
                _refused(form, error)
        else:
            messages.success(request, "New version recorded" if supersede else "Item changed")
            return redirect("information_sharing:item-detail", pk=saved.pk)
    context = {
        "form": form,
        "item": item,
        "nominal": item.nominal,
        "person": item.nominal.person if item.nominal is not None else item.person,
        "subject_person": item.person,
        "kind_label": item.get_kind_display(),
        "title": "Record a new version" if supersede else "Change the item",
        "supersede": supersede,
        "current": getattr(form, "current", None),
        "current_values": getattr(form, "current_values", None),
    }
    return render(request, "information_sharing/item_form.html", context)


@_FORM_METHODS
def item_update(request: HttpRequest, pk: int) -> HttpResponse:
    return _change(request, pk, supersede=False)


@_FORM_METHODS
def item_supersede(request: HttpRequest, pk: int) -> HttpResponse:
    return _change(request, pk, supersede=True)


@_FORM_METHODS
def item_erase(request: HttpRequest, pk: int) -> HttpResponse:
    item = _owned(request, pk)
    if not item.is_active:
        return redirect("information_sharing:item-detail", pk=item.pk)
    form = ItemEraseForm(data=_posted(request), initial={"version": item.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.item_erase(
                item=item,
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
                by=_user(request),
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Item erased")
            return redirect("information_sharing:item-detail", pk=item.pk)
    shares = selectors.share_list(fetched_by=request.user).filter(share_items__item_id=item.pk)
    active_shares = [share for share in shares if share.is_active]
    context = {"form": form, "item": item, "active_shares": active_shares}
    return render(request, "information_sharing/item_erase.html", context)
