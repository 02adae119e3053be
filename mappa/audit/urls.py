from django.urls import path

from mappa.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.event_list, name="event-list"),
    path("export.csv", views.event_export, name="event-export"),
    path("<int:sequence>/", views.event_detail, name="event-detail"),
]
