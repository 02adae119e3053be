from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "mappa.agencies"
    label = "agencies"
