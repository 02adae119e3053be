"""The receiving agency's pages (requests) and the owning agencies' pages (parts) keep their own modules."""

from django.urls import include, path

app_name = "subject_access"
urlpatterns = [
    path("subject-access/", include("mappa.subject_access.urls_requests")),
    path("subject-access/", include("mappa.subject_access.urls_parts")),
]
