"""The receiving side's pages (the owning side's are in urls_parts.py), in the "subject_access"
namespace."""

from django.urls import URLPattern, path

from mappa.subject_access import views_requests as views

urlpatterns: list[URLPattern] = [
    path("requests/", views.request_list, name="request-list"),
    path("requests/new/", views.request_record, name="request-record"),
    path("requests/<int:pk>/", views.request_detail, name="request-detail"),
    path("requests/<int:pk>/identity/", views.request_identity, name="request-identity"),
    path("requests/<int:pk>/clarification/", views.request_clarification, name="request-clarification"),
    path(
        "requests/<int:pk>/clarification/answered/",
        views.request_clarification_answered,
        name="request-clarification-answered",
    ),
    path("requests/<int:pk>/extension/", views.request_extension, name="request-extension"),
    path("requests/<int:pk>/withdraw/", views.request_withdraw, name="request-withdraw"),
    path("requests/<int:pk>/search/", views.request_search, name="request-search"),
    path("requests/<int:pk>/route/", views.request_route, name="request-route"),
    path("requests/<int:pk>/nothing-held/", views.request_nothing_held, name="request-nothing-held"),
    path("reports/", views.request_report, name="request-report"),
]
