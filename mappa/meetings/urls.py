"""Each part of the meetings app keeps its own URL module (one per views module)."""

from django.urls import include, path

app_name = "meetings"
urlpatterns = [
    path("", include("mappa.meetings.urls_referrals")),
    path("", include("mappa.meetings.urls_meetings")),
    path("", include("mappa.meetings.urls_minutes")),
    path("", include("mappa.meetings.urls_copies")),
]
