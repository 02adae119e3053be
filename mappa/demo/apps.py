from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "mappa.demo"
    label = "demo"
    verbose_name = "Demonstration data"
