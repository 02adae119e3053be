"""Building a part's response bundle: the PDF the data subject receives from one owning agency.

Called at once for a small bundle (services_parts.bundle_request) and by `manage.py sar_bundles`
for queued ones. Each item's section is rendered in turn and the progress committed in a small
transaction of its own, so the bundle page (refreshing itself) can show "x of n items" while a
worker builds. Any failure leaves the bundle FAILED with the error and no PDF: a half-built
response is never marked ready.

What goes in is only what was decided (services_parts.redacted_sections): released sections
whole, redacted ones with the marked words already cut out of the text, withheld items named
with their ground and nothing else. The renderer is meetings/pdf.py's, which fetches nothing.
"""

import logging
from dataclasses import dataclass
from hashlib import sha256

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from mappa.meetings.pdf import MARKING, issued_label, write_pdf
from mappa.subject_access.models import BundleStatus, ItemDecision, PartItem, Regime, ResponseBundle
from mappa.subject_access.services_parts import recipient_of, redacted_sections

logger = logging.getLogger(__name__)

# The ICO's contact details, which s.45(2)(f) / Art 15(1)(f) require in every response.
ICO_CONTACT = {
    "name": "Information Commissioner's Office",
    "address": "Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF",
    "helpline": "0303 123 1113",
    "website": "ico.org.uk",
}


@dataclass(frozen=True)
class Withheld:
    label: str
    ground: str


def _save(bundle: ResponseBundle, **fields: object) -> None:
    with transaction.atomic():
        for name, value in fields.items():
            setattr(bundle, name, value)
        bundle.save(override=True, update_fields=[*fields, "updated_at"])


def build(bundle: ResponseBundle) -> ResponseBundle:
    """Build `bundle` (QUEUED, or BUILDING when a worker has claimed it); idempotent for a
    bundle already READY or FAILED, which it leaves alone."""
    bundle = ResponseBundle.objects.select_related("part__request", "part__agency").get(pk=bundle.pk)
    if bundle.status not in (BundleStatus.QUEUED, BundleStatus.BUILDING):
        return bundle
    items = list(PartItem.objects.filter(part_id=bundle.part_id).order_by("kind", "object_id", "id"))
    _save(
        bundle,
        status=BundleStatus.BUILDING,
        started_at=timezone.now(),
        progress_total=len(items),
        progress_done=0,
        error="",
    )
    try:
        content = _render(bundle, items)
    except Exception as error:  # any failure: recorded on the bundle for the officer to see
        logger.exception("Subject access bundle %s failed", bundle.pk)
        _save(
            bundle,
            status=BundleStatus.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            pdf=None,
            sha256="",
            finished_at=timezone.now(),
        )
        return bundle
    _save(
        bundle,
        status=BundleStatus.READY,
        pdf=content,
        sha256=sha256(content).hexdigest(),
        progress_done=len(items),
        finished_at=timezone.now(),
    )
    return bundle


def _render(bundle: ResponseBundle, items: list[PartItem]) -> bytes:
    part = bundle.part
    request = part.request
    sections: list[SafeString] = []
    withheld: list[Withheld] = []
    for done, item in enumerate(items, start=1):
        if item.decision == ItemDecision.WITHHOLD:
            withheld.append(Withheld(label=item.label, ground=item.get_exemption_display()))
        elif item.decision in (ItemDecision.RELEASE, ItemDecision.REDACT):
            html = render_to_string(
                "subject_access/pdf/_item.html",
                {
                    "item": item,
                    "sections": redacted_sections(item),
                    "redacted": item.decision == ItemDecision.REDACT,
                },
            )
            sections.append(mark_safe(html))  # noqa: S308 -- rendered (and escaped) by the template above
        else:
            raise ValueError(f"Item {item.pk} has no decision")
        _save(bundle, progress_done=done)
    issued_at = timezone.now()
    recipient = recipient_of(request)
    context = {
        "marking": MARKING,
        "request": request,
        "part": part,
        "agency": part.agency,
        "law_enforcement": part.regime == Regime.LAW_ENFORCEMENT,
        "recipient": recipient,
        "issued": issued_label(issued_at),
        "watermark": f"Issued to {recipient} — {request.reference} — {issued_label(issued_at)}",
        "sections": sections,
        "withheld": withheld,
        "ico": ICO_CONTACT,
    }
    return write_pdf("subject_access/pdf/response.html", context)
