"""The public application form: no sign-in (every view is login_not_required)."""

from django.urls import path

from mappa.disclosure_schemes import views_public as views

urlpatterns = [
    path("apply/", views.apply_start, name="apply-start"),
    path("apply/what-about/", views.apply_scheme, name="apply-scheme"),
    path("apply/police-force/", views.apply_force, name="apply-force"),
    path("apply/about-you/", views.apply_about_you, name="apply-about-you"),
    path("apply/contact/", views.apply_contact, name="apply-contact"),
    path("apply/person/", views.apply_person, name="apply-person"),
    path("apply/contact-or-relationship/", views.apply_access, name="apply-access"),
    path("apply/children/", views.apply_children, name="apply-children"),
    path("apply/concern/", views.apply_concern, name="apply-concern"),
    path("apply/check/", views.apply_check, name="apply-check"),
    path("apply/sent/", views.apply_confirmation, name="apply-confirmation"),
]
