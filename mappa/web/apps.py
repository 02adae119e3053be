from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "mappa.web"
    label = "web"
