"""Each part of the disclosures app keeps its own URL module (one per views module)."""

from django.urls import include, path

app_name = "disclosures"
urlpatterns = [
    path("", include("mappa.disclosures.urls_decision")),
    path("", include("mappa.disclosures.urls_delivery")),
]
