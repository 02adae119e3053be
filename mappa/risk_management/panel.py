"""Registers the risk management sections of the nominal's overview and the minutes' page
(called from apps.py)."""


def register() -> None:
    from mappa.core import panels
    from mappa.risk_management.panel_assessments import AssessmentsPanel
    from mappa.risk_management.panel_minutes import MinutesPlansPanel
    from mappa.risk_management.panel_plans import PlanPanel

    panels.register("nominal", PlanPanel())
    panels.register("nominal", AssessmentsPanel())
    panels.register("minutes", MinutesPlansPanel())
