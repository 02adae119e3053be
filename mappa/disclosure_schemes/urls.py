"""The public application form and the police side each keep their own URL module."""

from django.urls import include, path

app_name = "disclosure_schemes"
urlpatterns = [
    path("", include("mappa.disclosure_schemes.urls_public")),
    path("", include("mappa.disclosure_schemes.urls_police")),
]
