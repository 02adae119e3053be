from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mappa.core"
    label = "core"
