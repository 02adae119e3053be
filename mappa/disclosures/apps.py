from django.apps import AppConfig


class DisclosuresConfig(AppConfig):
    name = "mappa.disclosures"
    label = "disclosures"
    verbose_name = "Third-party disclosure decisions"

    def ready(self) -> None:
        # The case page and the meeting pack show a nominal's disclosures (and those awaiting
        # ratification) through the core panel registry; the agencies whose items a disclosure
        # draws on are involved with the case through the nominals involvement registry.
        from mappa.disclosures import panel

        panel.register()
