"""Starting the disclosure of a decision to disclose and recording the support offered with it
(views_delivery.py); included by urls_police.py into the "disclosure_schemes" namespace. The
disclosure record's own pages are the disclosures app's."""

from django.urls import URLPattern, path

from mappa.disclosure_schemes import views_delivery as views

urlpatterns: list[URLPattern] = [
    path(
        "applications/<int:pk>/disclosure/start/",
        views.application_disclosure_start,
        name="application-disclosure-start",
    ),
    path(
        "applications/<int:pk>/disclosure/support/",
        views.application_disclosure_support,
        name="application-disclosure-support",
    ),
]
