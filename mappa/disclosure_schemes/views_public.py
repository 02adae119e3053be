"""The public application form at /apply/: no sign-in, one question per page (issue 7).

Sarah's Law (CSODS) and Clare's Law (DVDS) applications share the pages; the scheme chosen on
the first question changes the wording of the later ones. Answers wait in the visitor's session
(Django gives a signed-out visitor one: database-backed, HttpOnly, SameSite=Lax, ended when the
browser closes) under one key, so sending or starting again removes them all at once. A page
opened before the ones it follows are answered sends the visitor back to the start, and a page
reached from "Change" on the check page returns there.

Nothing on these pages looks anyone up, and the confirmation reads the same whoever was named:
see services_public. Posting answers and sending applications are rate-limited per client
address; over a limit, the visitor gets a 429 page with the 999 advice and nothing is saved.
"""

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from mappa.core import request_context
from mappa.core.exceptions import ApplicationError
from mappa.disclosure_schemes import forms_public as forms
from mappa.disclosure_schemes import services_public as services
from mappa.web.page import posted as _posted
from mappa.web.page import refuse as _refused

SESSION_ANSWERS = "disclosure_schemes.apply"
SESSION_SENT = "disclosure_schemes.apply_sent"

# The question pages in order: (session key, URL name).
STEPS = (
    ("scheme", "apply-scheme"),
    ("force", "apply-force"),
    ("about-you", "apply-about-you"),
    ("contact", "apply-contact"),
    ("person", "apply-person"),
    ("access", "apply-access"),
    ("children", "apply-children"),
    ("concern", "apply-concern"),
)
_KEYS = [key for key, _ in STEPS]
# Answers whose questions depend on the scheme: changing the scheme asks them again.
_SCHEME_DEPENDENT = ("force", "access", "children")

_FORM_METHODS = require_http_methods(["GET", "POST"])
_NS = "disclosure_schemes:"


def _url(name: str, *, changing: bool = False) -> str:
    return reverse(_NS + name) + ("?change=1" if changing else "")


def _answers(request: HttpRequest) -> dict[str, Any]:
    stored = request.session.get(SESSION_ANSWERS)
    return stored if isinstance(stored, dict) else {}


def _save(request: HttpRequest, answers: dict[str, Any]) -> None:
    request.session[SESSION_ANSWERS] = answers


def _client(request: HttpRequest) -> str | None:
    # The address RequestContextMiddleware took, after honouring MAPPA_PROXY_COUNT.
    ctx = request_context.current()
    return ctx.ip_address if ctx else request.META.get("REMOTE_ADDR")


def _too_many(request: HttpRequest, *, sending: bool) -> HttpResponse:
    return render(request, "disclosure_schemes/public/too_many.html", {"sending": sending}, status=429)


def _scheme_context(answers: dict[str, Any]) -> dict[str, Any]:
    chosen = answers.get("scheme") or {}
    scheme = "dvds" if chosen.get("scheme") == "dvds" else "csods"
    return {"scheme": scheme, "third_party": scheme == "dvds" and bool(chosen.get("third_party"))}


def _place(context: dict[str, Any]) -> str:
    """Where the force is chosen by: the child's, or the person at risk's, home."""
    if context["scheme"] == "csods":
        return "the child lives"
    return "the person at risk lives" if context["third_party"] else "you live"


def _form_for(key: str, context: dict[str, Any], **kwargs: Any) -> forms.PublicForm:
    if key == "scheme":
        return forms.SchemeForm(**kwargs)
    if key == "force":
        choices = [(agency.pk, agency.name) for agency in services.receiving_forces()]
        return forms.ForceForm(forces=choices, place=_place(context), **kwargs)
    if key == "about-you":
        return forms.AboutYouForm(**kwargs)
    if key == "contact":
        return forms.ContactForm(**kwargs)
    if key == "person":
        return forms.PersonForm(**kwargs)
    if key == "access":
        return forms.AccessForm(scheme=context["scheme"], third_party=context["third_party"], **kwargs)
    if key == "children":
        return forms.ChildrenForm(scheme=context["scheme"], **kwargs)
    return forms.ConcernForm(**kwargs)


_FORM_CLASSES: dict[str, type[forms.PublicForm]] = {
    "scheme": forms.SchemeForm,
    "force": forms.ForceForm,
    "about-you": forms.AboutYouForm,
    "contact": forms.ContactForm,
    "person": forms.PersonForm,
    "access": forms.AccessForm,
    "children": forms.ChildrenForm,
    "concern": forms.ConcernForm,
}


def _after(answers: dict[str, Any], key: str, *, changing: bool) -> str:
    """Where a page's valid answer leads: on, or back to the check page after a change."""
    missing = next((name for k, name in STEPS if k not in answers), None)
    if changing:
        return _url(missing, changing=True) if missing else _url("apply-check")
    position = _KEYS.index(key)
    return _url(STEPS[position + 1][1]) if position + 1 < len(STEPS) else _url("apply-check")


def _back(key: str, *, changing: bool) -> str:
    if changing:
        return _url("apply-check")
    position = _KEYS.index(key)
    return _url(STEPS[position - 1][1]) if position else _url("apply-start")


def _children_rows(form: forms.ChildrenForm, request: HttpRequest, *, adding: bool) -> int:
    """How many rows of child fields to show: those filled, at least 3, one more when adding."""
    source: Any = request.POST if request.method == "POST" else form.initial
    filled = max(
        (
            n
            for n in range(1, services.MAX_CHILDREN + 1)
            if source.get(f"child_{n}_name") or source.get(f"child_{n}_age")
        ),
        default=0,
    )
    try:
        posted_rows = int(request.POST.get("rows", 0))
    except ValueError:
        posted_rows = 0
    rows = max(3, filled + (1 if adding else 0), posted_rows + (1 if adding else 0))
    return min(rows, services.MAX_CHILDREN)


def _question(request: HttpRequest, key: str) -> HttpResponse:
    """One question page: check the earlier answers exist, show, validate, store, move on."""
    answers = _answers(request)
    position = _KEYS.index(key)
    if any(earlier not in answers for earlier in _KEYS[:position]):
        return redirect(_NS + "apply-start")
    if request.method == "POST" and not services.within_rate_limit(
        client_address=_client(request), kind="answer"
    ):
        return _too_many(request, sending=False)
    changing = request.GET.get("change") == "1"
    context = _scheme_context(answers)
    initial = _FORM_CLASSES[key].initial_from(answers.get(key))
    adding = key == "children" and request.method == "POST" and "add_another" in request.POST
    if adding:
        # "Add another child" keeps what was typed without judging it yet.
        form = _form_for(
            key, context, initial={k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
        )
    else:
        form = _form_for(key, context, data=_posted(request), initial=initial)
        if request.method == "POST" and form.is_valid():
            if key == "scheme" and answers.get("scheme") not in (None, form.stored()):
                # Another scheme asks these differently: its questions are asked again.
                for dependent in _SCHEME_DEPENDENT:
                    answers.pop(dependent, None)
            answers[key] = form.stored()
            _save(request, answers)
            request.session.pop(SESSION_SENT, None)
            return redirect(_after(answers, key, changing=changing))
    context.update(
        {
            "form": form,
            "back_url": _back(key, changing=changing),
            "place": _place(context),
            "changing": changing,
        }
    )
    if isinstance(form, forms.ChildrenForm):
        rows = _children_rows(form, request, adding=adding)
        context["child_rows"] = form.child_rows(rows)
        context["rows"] = rows
        context["can_add"] = rows < services.MAX_CHILDREN
    return render(request, f"disclosure_schemes/public/{key.replace('-', '_')}.html", context)


@login_not_required
@require_GET
def apply_start(request: HttpRequest) -> HttpResponse:
    return render(request, "disclosure_schemes/public/start.html")


@login_not_required
@_FORM_METHODS
def apply_scheme(request: HttpRequest) -> HttpResponse:
    return _question(request, "scheme")


@login_not_required
@_FORM_METHODS
def apply_force(request: HttpRequest) -> HttpResponse:
    return _question(request, "force")


@login_not_required
@_FORM_METHODS
def apply_about_you(request: HttpRequest) -> HttpResponse:
    return _question(request, "about-you")


@login_not_required
@_FORM_METHODS
def apply_contact(request: HttpRequest) -> HttpResponse:
    return _question(request, "contact")


@login_not_required
@_FORM_METHODS
def apply_person(request: HttpRequest) -> HttpResponse:
    return _question(request, "person")


@login_not_required
@_FORM_METHODS
def apply_access(request: HttpRequest) -> HttpResponse:
    return _question(request, "access")


@login_not_required
@_FORM_METHODS
def apply_children(request: HttpRequest) -> HttpResponse:
    return _question(request, "children")


@login_not_required
@_FORM_METHODS
def apply_concern(request: HttpRequest) -> HttpResponse:
    return _question(request, "concern")


@login_not_required
@_FORM_METHODS
def apply_check(request: HttpRequest) -> HttpResponse:
    answers = _answers(request)
    try:
        submitted = forms.submitted_application(answers)
    except (KeyError, TypeError, ValueError, AttributeError):
        # A page not answered yet (or a session not made by these pages): start again.
        return redirect(_NS + "apply-start")
    if request.method == "POST" and not services.within_rate_limit(
        client_address=_client(request), kind="submit"
    ):
        return _too_many(request, sending=True)
    form = forms.DeclarationForm(data=_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_submit(answers=submitted)
        except ApplicationError as error:
            _refused(form, error)
        else:
            request.session.pop(SESSION_ANSWERS, None)
            request.session[SESSION_SENT] = {"reference": application.reference, "scheme": application.scheme}
            # A new session key once the application is sent: the old one identified a visitor
            # who has just given their name and address.
            request.session.cycle_key()
            return redirect(_NS + "apply-confirmation")
    context = _scheme_context(answers)
    context.update({"form": form, "sections": _summary(answers, submitted, context)})
    return render(request, "disclosure_schemes/public/check.html", context)


@login_not_required
@require_GET
def apply_confirmation(request: HttpRequest) -> HttpResponse:
    sent = request.session.get(SESSION_SENT)
    if not isinstance(sent, dict) or "reference" not in sent:
        return redirect(_NS + "apply-start")
    # The page depends on the scheme and the reference only: never on who was named.
    return render(
        request,
        "disclosure_schemes/public/confirmation.html",
        {"reference": sent["reference"], "scheme": sent.get("scheme", "csods")},
    )


# --- check your answers -------------------------------------------------------------------------


def _date_text(value: Any) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def _summary(
    answers: dict[str, Any], submitted: services.SubmittedApplication, context: dict[str, Any]
) -> list[dict[str, Any]]:
    """The check page's sections: rows of (question, answer, page to change it on)."""
    forces = {agency.pk: agency.name for agency in services.receiving_forces()}
    scheme_answer = forms.SchemeForm.initial_from(answers.get("scheme")).get("answer", "")
    scheme_label = dict(forms.SchemeForm.base_fields["answer"].choices).get(scheme_answer, "")  # type: ignore[attr-defined]
    csods = submitted.scheme == "csods"
    ways = ", ".join(
        services.CONTACT_WAYS[way] for way in submitted.safe_contact_ways if way in services.CONTACT_WAYS
    )

    def row(question: str, answer: str, page: str, hidden: str) -> dict[str, str]:
        return {"question": question, "answer": answer, "url": _url(page, changing=True), "hidden": hidden}

    children = [f"{child.name}, aged {child.age}" for child in submitted.children]
    sections: list[dict[str, Any]] = [
        {
            "title": "Your application",
            "rows": [
                row(
                    "What you are asking about",
                    str(scheme_label),
                    "apply-scheme",
                    "what you are asking about",
                ),
                row(
                    "Police force",
                    forces.get(submitted.receiving_agency_id, "Not chosen"),
                    "apply-force",
                    "police force",
                ),
            ],
        },
        {
            "title": "About you",
            "rows": [
                row("Full name", submitted.applicant_name, "apply-about-you", "your full name"),
                row(
                    "Date of birth",
                    _date_text(submitted.applicant_date_of_birth),
                    "apply-about-you",
                    "your date of birth",
                ),
                row("Address", submitted.applicant_address, "apply-about-you", "your address"),
                row("Postcode", submitted.applicant_postcode, "apply-about-you", "your postcode"),
            ],
        },
        {
            "title": "Contacting you safely",
            "rows": [
                row("Safe ways to contact you", ways, "apply-contact", "safe ways to contact you"),
                row(
                    "Phone number", submitted.applicant_phone or "Not given", "apply-contact", "phone number"
                ),
                row(
                    "Email address",
                    submitted.applicant_email or "Not given",
                    "apply-contact",
                    "email address",
                ),
                row("Safe times", submitted.safe_contact_times, "apply-contact", "safe times"),
                row(
                    "What we must avoid",
                    submitted.safe_contact_notes or "Nothing given",
                    "apply-contact",
                    "what we must avoid",
                ),
            ],
        },
        {
            "title": "The person you are concerned about",
            "rows": [
                row("Name", submitted.subject_name, "apply-person", "their name"),
                row(
                    "Other names",
                    submitted.subject_other_names or "Not given",
                    "apply-person",
                    "their other names",
                ),
                row(
                    "Date of birth",
                    _date_text(submitted.subject_date_of_birth) or "Not given",
                    "apply-person",
                    "their date of birth",
                ),
                row(
                    "Approximate age",
                    submitted.subject_age or "Not given",
                    "apply-person",
                    "their approximate age",
                ),
                row("Address", submitted.subject_address or "Not given", "apply-person", "their address"),
                row(
                    "Description",
                    submitted.subject_description or "Not given",
                    "apply-person",
                    "their description",
                ),
                row(
                    "Contact with the children" if csods else "Relationship",
                    submitted.subject_access,
                    "apply-access",
                    "their contact with the children" if csods else "their relationship",
                ),
            ],
        },
    ]
    if submitted.third_party:
        sections[3]["rows"].append(
            row("Person at risk", submitted.person_at_risk_name, "apply-access", "the person at risk")
        )
    child_rows = [
        row(
            "Children" if csods else "Children in the household",
            "\n".join(children) or "None given",
            "apply-children",
            "the children",
        )
    ]
    if csods:
        child_rows.append(
            row(
                "Your relationship to the children",
                submitted.relationship_to_children,
                "apply-children",
                "your relationship to the children",
            )
        )
    sections.append({"title": "Children", "rows": child_rows})
    sections.append(
        {
            "title": "Your concern",
            "rows": [
                row("Why you are concerned", submitted.concern, "apply-concern", "why you are concerned")
            ],
        }
    )
    return sections
