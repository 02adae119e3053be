"""The disclosure schemes section of a nominal's overview, for the nominal's lead agency
(registered in apps.py).

When the police checks find that the subject of an application is a MAPPA nominal, the decision
belongs to a level 2 or 3 meeting about them, and the lead agency must know to put the case on
an agenda. It sees the application's reference, the force it was sent to and its stage: never
the applicant, the children or the concern, which stay with the receiving force (selectors
.lead_agency_notices reads only for the lead agency's staff).
"""

from dataclasses import dataclass

from django.http import HttpRequest

from mappa.core.panels import Panel
from mappa.disclosure_schemes.models import Application
from mappa.disclosure_schemes.schemes import edition
from mappa.disclosure_schemes.selectors import lead_agency_notices
from mappa.nominals.models import Nominal


@dataclass(frozen=True)
class Notice:
    reference: str
    scheme: str
    force: str
    stage: str
    status: str
    told_at: object


def _notice(application: Application) -> Notice:
    scheme = edition(f"{application.scheme}-{application.guidance_version}")
    try:
        stage = scheme.stage(application.stage).label
    except KeyError:
        stage = application.stage
    return Notice(
        reference=application.reference,
        scheme=scheme.title,
        force=application.receiving_agency.name,
        stage=stage,
        status=application.get_status_display(),
        told_at=application.lead_agency_told_at,
    )


class SchemeApplicationsPanel:
    # After the disclosures (35).
    order = 40

    def panel(self, request: HttpRequest, nominal: Nominal) -> Panel | None:
        notices = [_notice(a) for a in lead_agency_notices(nominal=nominal, fetched_by=request.user)]
        if not notices:
            return None
        return Panel(
            "disclosure_schemes/outcome/panel_nominal.html", {"nominal": nominal, "notices": notices}
        )
