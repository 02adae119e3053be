"""The checks, decision, non-disclosure and referral pages, and the schemes' report; included by
urls_police.py into the "disclosure_schemes" namespace."""

from django.urls import URLPattern, path

from mappa.disclosure_schemes import views_outcome as views

urlpatterns: list[URLPattern] = [
    path("applications/report/", views.scheme_report, name="scheme-report"),
    path("applications/<int:pk>/checks/", views.application_checks, name="application-checks"),
    path("applications/<int:pk>/decision/", views.application_decision, name="application-decision"),
    path(
        "applications/<int:pk>/non-disclosure/",
        views.application_non_disclosure,
        name="application-non-disclosure",
    ),
    path("applications/<int:pk>/referral/", views.application_referral, name="application-referral"),
]
