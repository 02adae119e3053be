from django.apps import AppConfig


class NominalsConfig(AppConfig):
    name = "mappa.nominals"
    label = "nominals"
    verbose_name = "MAPPA nominal register"
