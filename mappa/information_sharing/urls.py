from django.urls import path

from mappa.information_sharing.views import case, items, requests, shares

app_name = "information_sharing"
urlpatterns = [
    # Items (views/items.py)
    path("nominals/<int:nominal_pk>/information/new/", items.item_create, name="item-create"),
    path("people/<int:person_pk>/information/new/", items.person_item_create, name="person-item-create"),
    path("information/<int:pk>/", items.item_detail, name="item-detail"),
    path("information/<int:pk>/change/", items.item_update, name="item-update"),
    path("information/<int:pk>/supersede/", items.item_supersede, name="item-supersede"),
    path("information/<int:pk>/erase/", items.item_erase, name="item-erase"),
    # Sharing (views/shares.py): a guided form kept in the session until confirmed.
    path("nominals/<int:nominal_pk>/share/", shares.share_start, name="share-start"),
    path("nominals/<int:nominal_pk>/share/items/", shares.share_items, name="share-items"),
    path("nominals/<int:nominal_pk>/share/recipient/", shares.share_recipient, name="share-recipient"),
    path("nominals/<int:nominal_pk>/share/terms/", shares.share_terms, name="share-terms"),
    path("nominals/<int:nominal_pk>/share/check/", shares.share_check, name="share-check"),
    path("shares/", shares.share_list, name="share-list"),
    path("shares/<int:pk>/", shares.share_detail, name="share-detail"),
    path("shares/<int:pk>/revoke/", shares.share_revoke, name="share-revoke"),
    # Requests (views/requests.py)
    path("requests/", requests.request_list, name="request-list"),
    path(
        "nominals/<int:nominal_pk>/information/request/<int:agency_pk>/",
        requests.access_request_create,
        name="access-request-create",
    ),
    path("requests/access/<int:pk>/", requests.access_request_detail, name="access-request-detail"),
    path("requests/access/<int:pk>/decline/", requests.access_request_decline, name="access-request-decline"),
    path(
        "requests/access/<int:pk>/withdraw/", requests.access_request_withdraw, name="access-request-withdraw"
    ),
    path("shares/<int:share_pk>/onward/", requests.onward_request_create, name="onward-request-create"),
    path("requests/onward/<int:pk>/", requests.onward_request_detail, name="onward-request-detail"),
    path("requests/onward/<int:pk>/refuse/", requests.onward_request_refuse, name="onward-request-refuse"),
    # The case's own view of who has consulted it (views/case.py)
    path("nominals/<int:nominal_pk>/looked/", case.case_access_log, name="case-access-log"),
]
