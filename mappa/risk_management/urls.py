"""Each part of the risk management app keeps its own URL module (one per views module)."""

from django.urls import include, path

app_name = "risk_management"
urlpatterns = [
    path("", include("mappa.risk_management.urls_assessments")),
    path("", include("mappa.risk_management.urls_plans")),
]
