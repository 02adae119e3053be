"""Registers the disclosures sections of other apps' pages (called from apps.py): the nominal's
overview, the meeting pack and the minutes, through the core panel registry; and, through the nominals
involvement registry, the agencies consulted on a disclosure as involved with its nominal
(selectors.DisclosureInvolvement says why)."""


def register() -> None:
    from mappa.core import panels
    from mappa.disclosures.panel_minutes import MinutesDisclosuresPanel
    from mappa.disclosures.panel_nominal import DisclosuresPanel
    from mappa.disclosures.panel_pack import RatificationPackPanel
    from mappa.disclosures.selectors import DisclosureInvolvement
    from mappa.nominals import involvement

    panels.register("nominal", DisclosuresPanel())
    panels.register("meeting_pack", RatificationPackPanel())
    panels.register("minutes", MinutesDisclosuresPanel())
    involvement.register(DisclosureInvolvement())
