"""Pages of the people index: search, a person's record, add or change a person, link decisions.

Search is sent by POST so that names and dates of birth never appear in a URL (DEVELOPERS.md,
"No personal data in URLs"). Results come from services.persons_search, which records each
search as a consultation and passes every candidate through person_list: a match never shows a
record the user could not otherwise open.
"""

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.core.panels import panels_for
from mappa.people import services
from mappa.people.access import access_link, access_person, access_person_for_change
from mappa.people.forms import LinkForm, PersonEditForm, PersonForm, RevokeForm, SearchForm
from mappa.people.importer import parse_alias
from mappa.people.selectors import person_links, person_list
from mappa.web.page import posted as _posted
from mappa.web.page import refuse as _refused
from mappa.web.page import signed_in_user as _user

if TYPE_CHECKING:
    pass

_FORM_METHODS = require_http_methods(["GET", "POST"])


def _require(user: Any, permission: Permission) -> None:
    if not has_permission(user, permission):
        raise PermissionDenied("You do not have permission to do that")


@_FORM_METHODS
def person_search_view(request: HttpRequest) -> HttpResponse:
    _require(request.user, Permission.PERSON_VIEW)
    form = SearchForm(data=_posted(request))
    results = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            results = services.persons_search(
                by=request.user,
                name=data["name"],
                dob=data["date_of_birth"],
                postcode=data["postcode"],
                pnc=data["pnc"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages[0])
    context = {
        "form": form,
        "results": results,
        "can_create": has_permission(request.user, Permission.PERSON_CREATE),
    }
    return render(request, "people/search.html", context)


@require_http_methods(["GET"])
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = access_person(request.user, pk)
    context = {
        "person": person,
        "links": person_links(person=person, fetched_by=request.user),
        "can_link": has_permission(request.user, Permission.PERSON_LINK),
        "can_change": has_permission(request.user, Permission.PERSON_CREATE, agency=person.source_agency),
        # Sections from apps above this one (information held about the person): core/panels.py.
        "panels": panels_for("person", request, person),
    }
    return render(request, "people/person_detail.html", context)


@_FORM_METHODS
def person_create(request: HttpRequest) -> HttpResponse:
    _require(request.user, Permission.PERSON_CREATE)
    user = _user(request)
    form = PersonForm(data=_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        names = [services.NameData(data["surname"], data["forenames"])]
        names += [parse_alias(line) for line in data["aliases"].splitlines() if line.strip()]
        try:
            person = services.person_create(
                source_agency=user.acting_membership.agency,  # type: ignore[union-attr]
                source_ref=data["source_ref"],
                names=names,
                dates_of_birth=[data["date_of_birth"]] if data["date_of_birth"] else [],
                gender=data["gender"],
                addresses=[services.AddressData(postcode=data["postcode"])] if data["postcode"] else [],
                identifiers=form.identifiers(),
                by=user,
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"Person record {person.source_ref} added")
            return redirect("people:person-detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form})


@_FORM_METHODS
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request.user, Permission.PERSON_CREATE)
    person = access_person_for_change(request.user, pk)
    form = PersonEditForm(data=_posted(request), initial=PersonEditForm.initial_for(person))
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(person=person, by=_user(request), **form.update_args(person))
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"Person record {person.source_ref} saved")
            return redirect("people:person-detail", pk=person.pk)
    return render(request, "people/person_edit.html", {"form": form, "person": person})


@_FORM_METHODS
def person_link(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request.user, Permission.PERSON_LINK)
    person = access_person(request.user, pk)
    form = LinkForm(data=_posted(request))
    if request.method == "POST" and form.is_valid():
        other = person_list(fetched_by=request.user).filter(pk=form.cleaned_data["other"]).first()
        try:
            if other is None:
                raise ApplicationError("You can only link records you can see", field="other")
            services.person_link(
                a=person,
                b=other,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
                by=_user(request),
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Link decision recorded")
            return redirect("people:person-detail", pk=person.pk)
    return render(request, "people/link_form.html", {"form": form, "person": person})


@_FORM_METHODS
def person_unlink(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    _require(request.user, Permission.PERSON_LINK)
    person = access_person(request.user, pk)
    link = access_link(request.user, person, link_pk)
    form = RevokeForm(data=_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.person_link_revoke(link=link, reason=form.cleaned_data["reason"], by=_user(request))
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Link decision revoked")
            return redirect("people:person-detail", pk=person.pk)
    return render(request, "people/unlink_form.html", {"form": form, "person": person, "link": link})
