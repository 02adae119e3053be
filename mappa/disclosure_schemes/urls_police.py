"""The police side: the scheme officers' queue, one application and the pages that move it on.
The checks, decision and outcome pages (urls_outcome.py) and starting a disclosure
(urls_delivery.py) are included here, in the same "disclosure_schemes" namespace."""

from django.urls import URLPattern, URLResolver, include, path

from mappa.disclosure_schemes import views_police as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("applications/", views.application_queue, name="application-queue"),
    path(
        "applications/right-to-know/new/",
        views.application_right_to_know,
        name="application-right-to-know",
    ),
    path("applications/<int:pk>/", views.application_detail, name="application-detail"),
    path("applications/<int:pk>/triage/", views.application_triage, name="application-triage"),
    path(
        "applications/<int:pk>/not-proceeding/",
        views.application_not_proceeding,
        name="application-not-proceeding",
    ),
    path("applications/<int:pk>/verify/", views.application_verify, name="application-verify"),
    path(
        "applications/<int:pk>/safeguarding/",
        views.application_safeguarding,
        name="application-safeguarding",
    ),
    path("applications/<int:pk>/advance/", views.application_advance, name="application-advance"),
    path("", include("mappa.disclosure_schemes.urls_outcome")),
    path("", include("mappa.disclosure_schemes.urls_delivery")),
]
