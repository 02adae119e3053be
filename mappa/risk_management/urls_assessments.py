"""Risk assessments and persons at risk; included by urls.py into the "risk_management" namespace."""

from django.urls import path

from mappa.risk_management import views_assessments as views

urlpatterns = [
    path("nominals/<int:nominal_pk>/risk-assessments/", views.assessment_list, name="assessment-list"),
    path(
        "nominals/<int:nominal_pk>/risk-assessments/new/", views.assessment_create, name="assessment-create"
    ),
    path("risk-assessments/<int:pk>/", views.assessment_detail, name="assessment-detail"),
    path("risk-assessments/<int:pk>/edit/", views.assessment_edit, name="assessment-edit"),
    path("nominals/<int:nominal_pk>/persons-at-risk/", views.person_at_risk_list, name="person-at-risk-list"),
    path(
        "nominals/<int:nominal_pk>/persons-at-risk/new/",
        views.person_at_risk_create,
        name="person-at-risk-create",
    ),
    path("persons-at-risk/<int:pk>/edit/", views.person_at_risk_edit, name="person-at-risk-edit"),
    path("persons-at-risk/<int:pk>/end/", views.person_at_risk_end, name="person-at-risk-end"),
]
