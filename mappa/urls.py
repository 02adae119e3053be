from django.conf import settings
from django.urls import include, path

urlpatterns = [
    path("", include("mappa.web.urls")),
    path("", include("mappa.accounts.urls")),
    path("", include("mappa.agencies.urls")),
    path("", include("mappa.people.urls")),
    path("", include("mappa.nominals.urls")),
    path("", include("mappa.meetings.urls")),
    path("", include("mappa.information_sharing.urls")),
    path("", include("mappa.risk_management.urls")),
    path("", include("mappa.disclosures.urls")),
    path("", include("mappa.disclosure_schemes.urls")),
    path("", include("mappa.subject_access.urls")),
    path("audit/", include("mappa.audit.urls")),
]

# Django's admin only outside production: it bypasses the services, scoping and audit.
if not settings.PRODUCTION:
    from django.contrib import admin

    urlpatterns.append(path("django-admin/", admin.site.urls))

handler400 = "mappa.web.views.bad_request"
handler403 = "mappa.web.views.permission_denied"
handler404 = "mappa.web.views.page_not_found"
handler500 = "mappa.web.views.server_error"
