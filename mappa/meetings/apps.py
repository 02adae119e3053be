from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "mappa.meetings"
    label = "meetings"
    verbose_name = "Referrals and meetings"

    def ready(self) -> None:
        # Nominals sit below this app (DESIGN.md §3): an agency invited to a meeting about a
        # nominal is involved with it, and the case page shows its referrals and meetings, both
        # through the nominals app's registries.
        from mappa.core import panels
        from mappa.meetings.involvement import MeetingInvolvement
        from mappa.meetings.panel import MeetingsPanel
        from mappa.nominals import involvement

        involvement.register(MeetingInvolvement())
        panels.register("nominal", MeetingsPanel())
