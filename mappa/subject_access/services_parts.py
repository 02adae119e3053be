"""The owning agency's writes on its part of a subject access request: item-by-item decisions
(with redactions marked without JavaScript), the chair's view on a minutes entry, the response
bundle, its download, and the answer, which is the s.62 disclosure to the data subject.

Every decision is the owning agency's (DESIGN.md §5): only a SAR officer (SAR_RESPOND) acting for
the part's agency decides, builds, downloads or answers. A shared copy of an item held by another
agency changes nothing: the part was routed to the owner.
"""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from mappa.audit.models import Action
from mappa.audit.services import record_event
from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.subject_access.models import (
    PART3_EXEMPTIONS,
    UK_GDPR_EXEMPTIONS,
    BundleStatus,
    ChairConsultation,
    ConsultationStatus,
    ItemDecision,
    ItemKind,
    PartItem,
    PartStatus,
    Regime,
    RequestPart,
    RequestStatus,
    ResponseBundle,
    SubjectAccessRequest,
)
from mappa.subject_access.selectors import part_deadline

if TYPE_CHECKING:
    from mappa.accounts.models import User

REFUSED = "Only a subject access officer of the agency that owns this information can do this"
CHAIR_ONLY = "Only the chair consulted on this minutes entry can give a view on it"
NOT_OPEN = "This part has been answered or its request is no longer open, so nothing can change"
STALE = "Someone else changed this part while you were looking at it. Check it and try again"
MARKERS_CHANGED = "Only add [[ and ]] around text to remove; do not change the words"
MARKERS_UNBALANCED = "Every [[ needs a matching ]], and marks cannot be put inside other marks"
REDACTED = "[redacted]"


def _owner(part: RequestPart, by: "User") -> None:
    if not has_permission(by, Permission.SAR_RESPOND, agency=part.agency):
        raise PermissionDenied(REFUSED)


def _open(part: RequestPart) -> None:
    if part.status != PartStatus.OPEN or part.request.status != RequestStatus.ROUTED:
        raise ApplicationError(NOT_OPEN)


def _locked_part(part: RequestPart) -> RequestPart:
    return (
        RequestPart.objects.select_for_update(of=("self",))
        .select_related("request", "agency")
        .get(pk=part.pk)
    )


def allowed_exemptions(regime: str) -> frozenset[str]:
    return frozenset(PART3_EXEMPTIONS if regime == Regime.LAW_ENFORCEMENT else UK_GDPR_EXEMPTIONS)


# --- redaction marks ---------------------------------------------------------------------------


def parse_marked(original: str, marked: str, *, field: str | None = None) -> list[list[int]]:
    """The [start, end) spans of `original` the officer wrapped in [[ and ]] in `marked`.

    Marking works without JavaScript: the officer edits a copy of the text and only adds marks.
    So removing the marks must give back exactly the original words; anything else (a typo, an
    edited word) is refused rather than guessed at, because a response must contain what was
    held, not a retyped version of it. Browsers send textarea line ends as CRLF: normalised when
    the original has none.
    """
    if "\r" not in original:
        marked = marked.replace("\r\n", "\n")
    spans: list[list[int]] = []
    kept: list[str] = []
    start: int | None = None
    position = index = 0
    while index < len(marked):
        pair = marked[index : index + 2]
        if pair == "[[":
            if start is not None:
                raise ApplicationError(MARKERS_UNBALANCED, field=field)
            start, index = position, index + 2
        elif pair == "]]":
            if start is None:
                raise ApplicationError(MARKERS_UNBALANCED, field=field)
            if position > start:  # "[[]]" removes nothing: ignored
                spans.append([start, position])
            start, index = None, index + 2
        else:
            kept.append(marked[index])
            position, index = position + 1, index + 1
    if start is not None:
        raise ApplicationError(MARKERS_UNBALANCED, field=field)
    if "".join(kept) != original:
        raise ApplicationError(MARKERS_CHANGED, field=field)
    return spans


def mark(text: str, spans: Sequence[Sequence[int]]) -> str:
    """The text with [[ ]] around each span: the redaction textarea's starting value."""
    out, last = [], 0
    for start, end in sorted((s[0], s[1]) for s in spans):
        out += [text[last:start], "[[", text[start:end], "]]"]
        last = end
    out.append(text[last:])
    return "".join(out)


def redacted_text(text: str, spans: Sequence[Sequence[int]]) -> str:
    """The text with every span removed and replaced by a fixed marker: the words go, so they
    can never reach the PDF, and the subject can see that something was removed."""
    out, last = [], 0
    for start, end in sorted((s[0], s[1]) for s in spans):
        out += [text[last:start], REDACTED]
        last = max(last, end)
    out.append(text[last:])
    return "".join(out)


def redacted_sections(item: PartItem) -> list[dict[str, str]]:
    """The item's sections as released: whole for a release, with spans removed for a redaction,
    nothing for a withheld or undecided item."""
    if item.decision == ItemDecision.RELEASE:
        return [{"label": s.get("label", ""), "text": s.get("text", "")} for s in item.content]
    if item.decision != ItemDecision.REDACT:
        return []
    return [
        {
            "label": section.get("label", ""),
            "text": redacted_text(section.get("text", ""), item.redactions.get(str(index), [])),
        }
        for index, section in enumerate(item.content)
    ]


# --- decisions ---------------------------------------------------------------------------------


def item_decide(
    *,
    item: PartItem,
    decision: str,
    exemption: str = "",
    reason: str = "",
    marked_texts: Sequence[str] = (),
    by: "User",
) -> PartItem:
    """Release, release with redactions, or withhold one item, with the ground and reason."""
    _owner(item.part, by)
    with transaction.atomic():
        part = _locked_part(item.part)
        _open(part)
        item = PartItem.objects.select_for_update().get(pk=item.pk, part_id=part.pk)
        if item.kind == ItemKind.MINUTES_ENTRY:
            # MAPPA Guidance ch. 13b: a contribution to minutes is released only after the chair
            # has been consulted. (An entry routed without a chair to consult has no task.)
            consultation = ChairConsultation.objects.filter(item_id=item.pk).first()
            if consultation is not None and consultation.status != ConsultationStatus.RESPONDED:
                raise ApplicationError(
                    "The meeting's chair has not given their view on this minutes entry yet", field="decision"
                )
        reason = reason.strip()
        redactions: dict[str, list[list[int]]] = {}
        if decision == ItemDecision.RELEASE:
            exemption, reason = "", ""
        elif decision in (ItemDecision.REDACT, ItemDecision.WITHHOLD):
            if exemption not in allowed_exemptions(part.regime):
                raise ApplicationError(
                    f"Choose an exemption or restriction that applies under {part.get_regime_display()}",
                    field="exemption",
                )
            if not reason:
                raise ApplicationError("Give the reason the exemption applies to this item", field="reason")
            if decision == ItemDecision.REDACT:
                if len(marked_texts) != len(item.content):
                    raise ApplicationError(MARKERS_CHANGED, field="section_0")
                for index, (section, marked) in enumerate(zip(item.content, marked_texts, strict=True)):
                    spans = parse_marked(section.get("text", ""), marked, field=f"section_{index}")
                    if spans:
                        redactions[str(index)] = spans
                if not redactions:
                    raise ApplicationError(
                        "Mark at least one piece of text to remove with [[ and ]], "
                        "or choose another decision",
                        field="section_0",
                    )
        else:
            raise ApplicationError("Choose a decision", field="decision")
        item.decision = decision
        item.exemption = exemption
        item.reason = reason
        item.redactions = redactions
        item.decided_by = by
        item.decided_at = timezone.now()
        item.save(override=True)
        # The part's version moves with every decision, so an answer confirmed on a page showing
        # older decisions is refused (part_answer) rather than sending something not checked.
        part.version += 1
        part.save(override=True, update_fields=["version", "updated_at"])
        record_event(
            action=Action.ALTERATION,
            actor=by,
            summary=f"Subject access item decided: {item.get_decision_display().lower()}",
            object_type="sar_part_item",
            object_id=item.pk,
            object_agency_id=part.agency_id,
            justification=f"Deciding subject access request {part.request.reference}",
            changed_fields=["decision", "exemption", "reason", "redactions"],
            detail={"request": part.request.reference, "decision": decision, "exemption": exemption},
        )
    return item


def consultation_respond(*, consultation: ChairConsultation, view: str, by: "User") -> ChairConsultation:
    if consultation.chair_id != by.pk:
        raise PermissionDenied(CHAIR_ONLY)
    view = view.strip()
    if not view:
        raise ApplicationError("Give your view on releasing this entry", field="view")
    with transaction.atomic():
        consultation = (
            ChairConsultation.objects.select_for_update(of=("self",))
            .select_related("item__part__request")
            .get(pk=consultation.pk)
        )
        part = consultation.item.part
        _open(part)
        if consultation.status != ConsultationStatus.PENDING:
            raise ApplicationError("You have already given your view on this entry", field="view")
        consultation.view = view
        consultation.status = ConsultationStatus.RESPONDED
        consultation.responded_at = timezone.now()
        consultation.save(override=True)
        record_event(
            action=Action.ALTERATION,
            actor=by,
            summary="Chair's view given on a minutes entry for a subject access request",
            object_type="sar_chair_consultation",
            object_id=consultation.pk,
            object_agency_id=part.agency_id,
            justification=f"Chair consulted for subject access request {part.request.reference}",
            changed_fields=["view", "status"],
            detail={"request": part.request.reference},
        )
    return consultation


# --- the response bundle -----------------------------------------------------------------------


def _last_decided_at(part: RequestPart) -> Any:
    return PartItem.objects.filter(part_id=part.pk).aggregate(last=Max("decided_at"))["last"]


def bundle_request(*, part: RequestPart, by: "User") -> ResponseBundle:
    """Ask for the response PDF once every item is decided: built now when small, otherwise
    queued for the worker (`manage.py sar_bundles`), whose progress the bundle page shows."""
    from mappa.subject_access import bundles

    _owner(part, by)
    with transaction.atomic():
        part = _locked_part(part)
        _open(part)
        items = PartItem.objects.filter(part_id=part.pk)
        if items.filter(decision=ItemDecision.PENDING).exists():
            raise ApplicationError("Decide every item before building the response")
        released = items.exclude(decision=ItemDecision.WITHHOLD).count()
        bundle = ResponseBundle(part=part, requested_by=by, progress_total=items.count())
        bundle.save(override=True)
        record_event(
            action=Action.COMBINATION,
            actor=by,
            summary="Subject access response bundle requested",
            object_type="sar_response_bundle",
            object_id=bundle.pk,
            object_agency_id=part.agency_id,
            justification=f"Preparing the response to subject access request {part.request.reference}",
            detail={"request": part.request.reference, "items": bundle.progress_total},
        )
    if released <= settings.SAR_INLINE_BUNDLE_MAX:
        bundles.build(bundle)
        bundle.refresh_from_db()
    return bundle


def bundle_download(*, bundle: ResponseBundle, by: "User") -> bytes:
    """The ready PDF, recorded as an export by the officer who takes it."""
    part = bundle.part
    _owner(part, by)
    with transaction.atomic():
        bundle = ResponseBundle.objects.select_related("part__request").get(pk=bundle.pk)
        if bundle.status != BundleStatus.READY or bundle.pdf is None:
            raise ApplicationError("This response is not ready to download")
        content = bytes(bundle.pdf)
        record_event(
            action=Action.EXPORT,
            actor=by,
            summary="Subject access response downloaded",
            object_type="sar_response_bundle",
            object_id=bundle.pk,
            object_agency_id=part.agency_id,
            justification=f"Sending the response to subject access request {part.request.reference}",
            detail={"request": part.request.reference, "format": "pdf", "sha256": bundle.sha256},
        )
    return content


def latest_bundle(part: RequestPart) -> ResponseBundle | None:
    return ResponseBundle.objects.filter(part_id=part.pk).defer("pdf").order_by("-created_at", "-id").first()


def bundle_is_current(part: RequestPart, bundle: ResponseBundle | None) -> bool:
    """A READY bundle built after the last decision: what the subject gets is what was decided."""
    if bundle is None or bundle.status != BundleStatus.READY:
        return False
    last = _last_decided_at(part)
    return last is None or bundle.created_at >= last


# --- the answer --------------------------------------------------------------------------------


def recipient_of(request: SubjectAccessRequest) -> str:
    if request.requester_is_subject or not request.requester_name:
        return f"{request.subject_name} (the data subject)"
    capacity = f", {request.requester_capacity}" if request.requester_capacity else ""
    return f"{request.requester_name} (representative of the data subject{capacity})"


def part_answer(*, part: RequestPart, version: int, response_note: str, by: "User") -> RequestPart:
    """Record the part answered: the s.62 disclosure of what was released to the subject, and
    the request closed when this was its last open part."""
    _owner(part, by)
    with transaction.atomic():
        # The request first, then the part: two parts answered at once both see the other's
        # answer or wait for it, so the last one always closes the request.
        request = SubjectAccessRequest.objects.select_for_update().get(pk=part.request_id)
        part = _locked_part(part)
        _open(part)
        if part.version != version:
            raise ApplicationError(STALE)
        bundle = latest_bundle(part)
        if bundle is None or not bundle_is_current(part, bundle):
            raise ApplicationError("Build the response bundle again: it must include the latest decisions")
        response_note = response_note.strip()
        if not response_note:
            raise ApplicationError("Say how and when the response was sent", field="response_note")
        now = timezone.now()
        part.status = PartStatus.ANSWERED
        part.answered_at = now
        part.answered_by = by
        part.response_note = response_note
        part.version += 1
        part.save(override=True)
        items = list(PartItem.objects.filter(part_id=part.pk).order_by("kind", "object_id", "id"))
        state = part_deadline(part)
        due, late = state.due, state.late
        released = [i.label for i in items if i.decision == ItemDecision.RELEASE]
        redacted = [i.label for i in items if i.decision == ItemDecision.REDACT]
        withheld = [i.label for i in items if i.decision == ItemDecision.WITHHOLD]
        # DPA 2018 s.62(3): who disclosed (the actor), to whom, why, when; what, by reference.
        record_event(
            action=Action.DISCLOSURE,
            actor=by,
            summary=f"Subject access response sent for {request.reference}",
            object_type="sar_part",
            object_id=part.pk,
            object_agency_id=part.agency_id,
            justification=(
                f"Response to subject access request {request.reference} "
                f"({'DPA 2018 s.45' if part.regime == Regime.LAW_ENFORCEMENT else 'UK GDPR Article 15'})"
            ),
            recipients=[recipient_of(request)],
            detail={
                "request": request.reference,
                "items_released": released,
                "items_redacted": redacted,
                "items_withheld": withheld,
                "bundle": bundle.pk,
                "sha256": bundle.sha256,
                "due": due.isoformat(),
                "late": late,
            },
        )
        if not request.parts.exclude(pk=part.pk).filter(status=PartStatus.OPEN).exists():
            request.status = RequestStatus.CLOSED
            request.closed_at = now
            request.version += 1
            request.save(override=True)
            record_event(
                action=Action.ALTERATION,
                actor=by,
                summary=f"Subject access request {request.reference} closed: every part answered",
                object_type="subject_access_request",
                object_id=request.pk,
                object_agency_id=request.receiving_agency_id,
                justification=f"Last part of subject access request {request.reference} answered",
                changed_fields=["status", "closed_at"],
                detail={"request": request.reference},
            )
    return part
