from django.urls import path

from mappa.people import views

app_name = "people"
urlpatterns = [
    path("people/search/", views.person_search_view, name="person-search"),
    path("people/new/", views.person_create, name="person-create"),
    path("people/<int:pk>/", views.person_detail, name="person-detail"),
    path("people/<int:pk>/change/", views.person_edit, name="person-edit"),
    path("people/<int:pk>/link/", views.person_link, name="person-link"),
    path("people/<int:pk>/links/<int:link_pk>/revoke/", views.person_unlink, name="person-unlink"),
]
