from django.apps import AppConfig


class DisclosureSchemesConfig(AppConfig):
    name = "mappa.disclosure_schemes"
    label = "disclosure_schemes"
    verbose_name = "Child Sex Offender and Domestic Violence Disclosure Schemes"

    def ready(self) -> None:
        # A nominal's lead agency sees, on the case page, that an application concerns its case
        # (the reference, force and stage only), through the core panel registry.
        from mappa.core import panels
        from mappa.disclosure_schemes.panel import SchemeApplicationsPanel

        panels.register("nominal", SchemeApplicationsPanel())
