from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mappa.accounts"
    label = "accounts"

    def ready(self) -> None:
        from mappa.accounts import signals  # noqa: F401  (audits sign-in, sign-out, failures, lock-outs)
