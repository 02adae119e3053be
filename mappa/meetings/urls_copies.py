"""Distribution, copies and the chair's permission; included by urls.py into "meetings"."""

from django.urls import path

from mappa.meetings import views_copies as views

urlpatterns = [
    path("minutes/<int:pk>/copies/", views.minutes_copies, name="minutes-copies"),
    path("minutes/<int:pk>/download/", views.minutes_download, name="minutes-download"),
    path("minutes/<int:pk>/print/", views.minutes_print, name="minutes-print"),
    path("minutes/<int:pk>/recipients/", views.minutes_recipients, name="minutes-recipients"),
    path("minutes/<int:pk>/permission/", views.copy_request_create, name="copy-request-create"),
    path("permissions/", views.copy_request_list, name="copy-request-list"),
    path("permissions/<int:pk>/", views.copy_request_detail, name="copy-request-detail"),
    # The chair decides on the request's own page, which posts back to itself: this second name
    # reverses to the same address (the entry above answers both).
    path("permissions/<int:pk>/", views.copy_request_detail, name="copy-request-decide"),
    path(
        "permissions/<int:pk>/summary/", views.executive_summary_download, name="executive-summary-download"
    ),
]
