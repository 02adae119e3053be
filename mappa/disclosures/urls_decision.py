"""From proposal to decision (views_decision.py); included by urls.py into the "disclosures"
namespace. The delivery phase's URLs are in urls_delivery.py."""

from django.urls import path

from mappa.disclosures import views_decision as views

urlpatterns = [
    path("nominals/<int:nominal_pk>/disclosures/", views.disclosure_list, name="disclosure-list"),
    path("nominals/<int:nominal_pk>/disclosures/new/", views.disclosure_create, name="disclosure-create"),
    path("disclosures/agreements/", views.disclosure_agreements, name="disclosure-agreements"),
    path("disclosures/<int:pk>/", views.disclosure_detail, name="disclosure-detail"),
    path("disclosures/<int:pk>/edit/", views.disclosure_edit, name="disclosure-edit"),
    path("disclosures/<int:pk>/recipients/new/", views.recipient_add, name="recipient-add"),
    path("disclosure-recipients/<int:pk>/edit/", views.recipient_edit, name="recipient-edit"),
    path("disclosure-recipients/<int:pk>/remove/", views.recipient_remove, name="recipient-remove"),
    path("disclosures/<int:pk>/alternatives/new/", views.alternative_add, name="alternative-add"),
    path("disclosure-alternatives/<int:pk>/remove/", views.alternative_remove, name="alternative-remove"),
    path("disclosures/<int:pk>/items/new/", views.item_add, name="item-add"),
    path("disclosure-items/<int:pk>/remove/", views.item_remove, name="item-remove"),
    path("disclosure-items/<int:pk>/agree/", views.item_agree, name="item-agree"),
    path(
        "disclosures/<int:pk>/offender-risk/", views.disclosure_offender_risk, name="disclosure-offender-risk"
    ),
    path("disclosures/<int:pk>/tests/", views.disclosure_tests, name="disclosure-tests"),
    path("disclosures/<int:pk>/youth-consultation/", views.disclosure_youth, name="disclosure-youth"),
    path("disclosures/<int:pk>/consultations/new/", views.consultation_add, name="consultation-add"),
    path("disclosure-consultations/<int:pk>/remove/", views.consultation_remove, name="consultation-remove"),
    path("disclosures/<int:pk>/decide/", views.disclosure_decide, name="disclosure-decide"),
    path("disclosures/<int:pk>/ratify/", views.disclosure_ratify, name="disclosure-ratify"),
    path("disclosures/<int:pk>/withdraw/", views.disclosure_withdraw, name="disclosure-withdraw"),
]
