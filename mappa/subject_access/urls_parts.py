"""The owning agency's pages (parts, items, bundles, answers) and the chair's consultation page."""

from django.urls import path

from mappa.subject_access import views_parts as views

urlpatterns = [
    path("parts/", views.part_list, name="part-list"),
    path("parts/<int:pk>/", views.part_detail, name="part-detail"),
    path("parts/<int:pk>/bundle/", views.bundle_request, name="bundle-request"),
    path("parts/<int:pk>/answer/", views.part_answer, name="part-answer"),
    path("part-items/<int:pk>/", views.item_decide, name="item-decide"),
    path("consultations/<int:pk>/", views.consultation_respond, name="consultation-respond"),
    path("bundles/<int:pk>/", views.bundle_detail, name="bundle-detail"),
    path("bundles/<int:pk>/response.pdf", views.bundle_download, name="bundle-download"),
]
