"""Preparing, delivering and reviewing disclosures, the record as a PDF and the dashboard;
included by urls.py into the "disclosures" namespace."""

from django.urls import path

from mappa.disclosures import views_delivery as views

urlpatterns = [
    path("disclosures/", views.disclosure_dashboard, name="disclosure-dashboard"),
    path("disclosures/<int:pk>/prepare/", views.disclosure_prepare, name="disclosure-prepare"),
    path("disclosures/<int:pk>/prepared/", views.disclosure_mark_prepared, name="disclosure-mark-prepared"),
    path("disclosures/<int:pk>/triggers/new/", views.trigger_add, name="trigger-add"),
    path("disclosure-triggers/<int:pk>/remove/", views.trigger_remove, name="trigger-remove"),
    path("disclosures/<int:pk>/offender/", views.disclosure_offender, name="disclosure-offender"),
    path("disclosure-recipients/<int:pk>/told/", views.recipient_told, name="recipient-told"),
    path(
        "disclosures/<int:pk>/plan-delivery/", views.disclosure_plan_delivery, name="disclosure-plan-delivery"
    ),
    path("disclosures/<int:pk>/deliver/", views.disclosure_deliver, name="disclosure-deliver"),
    path("disclosures/<int:pk>/reconsider/", views.disclosure_reconsider, name="disclosure-reconsider"),
    path("disclosures/<int:pk>/review/", views.disclosure_review, name="disclosure-review"),
    path("disclosures/<int:pk>/record.pdf", views.disclosure_pdf, name="disclosure-pdf"),
]
