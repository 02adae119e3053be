"""Referrals (MAPPA A) and their screening; included by urls.py into the "meetings" namespace."""

from django.urls import path

from mappa.meetings import views_referrals as views

urlpatterns = [
    path("nominals/<int:nominal_pk>/refer/", views.referral_create, name="referral-create"),
    path("referrals/", views.referral_list, name="referral-list"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral-detail"),
    path("referrals/<int:pk>/screen/", views.referral_screen, name="referral-screen"),
    path("referrals/<int:pk>/respond/", views.referral_respond, name="referral-respond"),
    path("referrals/<int:pk>/withdraw/", views.referral_withdraw, name="referral-withdraw"),
]
