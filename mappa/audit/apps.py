from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "mappa.audit"
    label = "audit"
    verbose_name = "Audit log"
