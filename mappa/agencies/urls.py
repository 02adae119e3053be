from django.urls import path

from mappa.agencies import views

app_name = "agencies"
urlpatterns = [
    path("areas/", views.area_list, name="area-list"),
    path("areas/new/", views.area_create, name="area-create"),
    path("areas/<int:pk>/", views.area_detail, name="area-detail"),
    path("areas/<int:pk>/edit/", views.area_edit, name="area-edit"),
    path("agencies/", views.agency_list, name="agency-list"),
    path("agencies/new/", views.agency_create, name="agency-create"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency-detail"),
    path("agencies/<int:pk>/edit/", views.agency_edit, name="agency-edit"),
    path("agreements/", views.agreement_list, name="agreement-list"),
    path("agreements/new/", views.agreement_create, name="agreement-create"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement-detail"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="agreement-edit"),
    path("agreements/<int:pk>/status/", views.agreement_status, name="agreement-status"),
]
