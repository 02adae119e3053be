"""Subject access reports for a SAR officer's agency: counts only, never a name or content.

Two views of timeliness: the requests the agency received (open or closed, on time or late,
withdrawn), with their parts by owning agency; and the parts the agency itself owns, whoever
received the request. Lateness comes from deadlines.py through selectors.deadline.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.types import AnyUser
from mappa.nominals.selectors import acting_agency
from mappa.subject_access.models import PartStatus, RequestPart, RequestStatus
from mappa.subject_access.selectors import PAUSES as _PAUSES
from mappa.subject_access.selectors import deadline, part_late, request_list


@dataclass
class Row:
    label: str
    open_on_time: int = 0
    open_late: int = 0
    closed_on_time: int = 0
    closed_late: int = 0
    withdrawn: int = 0

    @property
    def total(self) -> int:
        return self.open_on_time + self.open_late + self.closed_on_time + self.closed_late + self.withdrawn

    def add(self, *, finished: bool, late: bool) -> None:
        name = f"{'closed' if finished else 'open'}_{'late' if late else 'on_time'}"
        setattr(self, name, getattr(self, name) + 1)


@dataclass
class Report:
    agency: str
    received: Row
    received_by_owner: list[Row] = field(default_factory=list)
    owned: Row | None = None
    owned_by_receiver: list[Row] = field(default_factory=list)


def report(*, fetched_by: AnyUser) -> Report | None:
    agency = acting_agency(fetched_by)
    if agency is None or not has_permission(fetched_by, Permission.SAR_MANAGE):
        return None
    today = timezone.localdate()
    received = Row("Requests received")
    by_owner: dict[str, Row] = {}
    requests = list(request_list(fetched_by=fetched_by).prefetch_related("parts__agency"))
    for sar in requests:
        if sar.status == RequestStatus.WITHDRAWN:
            received.withdrawn += 1
            continue
        state = deadline(sar, today=today)
        received.add(finished=sar.status == RequestStatus.CLOSED, late=state.late)
        for part in sar.parts.all():
            row = by_owner.setdefault(part.agency.name, Row(part.agency.name))
            row.add(finished=part.status == PartStatus.ANSWERED, late=part_late(part, state, today=today))
    owned = Row("Parts your agency answers")
    by_receiver: dict[str, Row] = {}
    parts = (
        RequestPart.objects.filter(agency=agency)
        .exclude(request__status=RequestStatus.WITHDRAWN)
        .select_related("request", "request__receiving_agency")
        .prefetch_related(Prefetch("request__pauses", queryset=_PAUSES))
    )
    for part in parts:
        state = deadline(part.request, today=today)
        late = part_late(part, state, today=today)
        owned.add(finished=part.status == PartStatus.ANSWERED, late=late)
        name = part.request.receiving_agency.name
        by_receiver.setdefault(name, Row(name)).add(finished=part.status == PartStatus.ANSWERED, late=late)
    return Report(
        agency=agency.name,
        received=received,
        received_by_owner=sorted(by_owner.values(), key=lambda r: r.label),
        owned=owned,
        owned_by_receiver=sorted(by_receiver.values(), key=lambda r: r.label),
    )
