"""The risk management plan pages; included by urls.py into the "risk_management" namespace."""

from django.urls import path

from mappa.risk_management import views_plans as views

urlpatterns = [
    path("nominals/<int:nominal_pk>/plan/", views.plan_current, name="plan-current"),
    path("nominals/<int:nominal_pk>/plan/versions/", views.plan_versions, name="plan-versions"),
    path("nominals/<int:nominal_pk>/plan/new/", views.plan_start, name="plan-start"),
    path("plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan-edit"),
    path("plans/<int:pk>/actions/new/", views.plan_action_add, name="plan-action-add"),
    path("plans/<int:pk>/disclosure/", views.plan_disclosure, name="plan-disclosure"),
    path(
        "plans/<int:pk>/disclosure/<int:person_at_risk_pk>/",
        views.plan_consider,
        name="plan-consider",
    ),
    path("plans/<int:pk>/approve/", views.plan_approve, name="plan-approve"),
    path("plan-actions/<int:pk>/edit/", views.plan_action_edit, name="plan-action-edit"),
    path("plan-actions/<int:pk>/remove/", views.plan_action_remove, name="plan-action-remove"),
    path("plan-actions/<int:pk>/status/", views.plan_action_status, name="plan-action-status"),
]
