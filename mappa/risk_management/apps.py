from django.apps import AppConfig


class RiskManagementConfig(AppConfig):
    name = "mappa.risk_management"
    label = "risk_management"
    verbose_name = "Risk assessment and risk management plans"

    def ready(self) -> None:
        # Nominals and people sit below this app (DESIGN.md §3): the case page shows its risk
        # assessments, persons at risk and plan through the core panel registry.
        from mappa.risk_management import panel

        panel.register()
