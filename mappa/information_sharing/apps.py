from django.apps import AppConfig


class InformationSharingConfig(AppConfig):
    name = "mappa.information_sharing"
    label = "information_sharing"
    verbose_name = "Information sharing"

    def ready(self) -> None:
        # Nominals sit below this app in the dependency order (DESIGN.md §3), so they cannot
        # import it: owning items on a nominal, or holding a share of them, makes an agency
        # involved with it, and this app tells the nominals app so through its registry.
        from mappa.core import panels
        from mappa.information_sharing.involvement import ItemInvolvement
        from mappa.information_sharing.meeting_pack import MeetingPackPanel
        from mappa.information_sharing.panel import InformationPanel, PersonInformationPanel
        from mappa.nominals import involvement

        involvement.register(ItemInvolvement())
        # The information sections of a nominal's and a person record's pages, likewise.
        panels.register("nominal", InformationPanel())
        panels.register("person", PersonInformationPanel())
        # Meetings sit below this app too: what was shared into a meeting is a section of its
        # pack page, shown to those who signed its confidentiality statement.
        panels.register("meeting_pack", MeetingPackPanel())
