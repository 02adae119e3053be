from django.apps import AppConfig


class DisclosureSchemesConfig(AppConfig):
    name = "mappa.disclosure_schemes"
    label = "disclosure_schemes"
    verbose_name = "Child Sex Offender and Domestic Violence Disclosure Schemes"
