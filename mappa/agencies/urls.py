from django.urls import path

from mappa.agencies import views

app_name = "agencies"
urlpatterns = [
    path("agencies/", views.agency_list, name="agency-list"),
    path("agreements/", views.agreement_list, name="agreement-list"),
]
