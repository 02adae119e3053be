from django.urls import path

from mappa.nominals import views

app_name = "nominals"
urlpatterns = [
    path("nominals/", views.nominal_list, name="nominal-list"),
    path("nominals/new/", views.nominal_create, name="nominal-create"),
    path("nominals/<int:pk>/", views.nominal_detail, name="nominal-detail"),
    path("nominals/<int:pk>/reason/", views.nominal_reason, name="nominal-reason"),
    path("nominals/<int:pk>/details/", views.nominal_details, name="nominal-details"),
    path("nominals/<int:pk>/change/<slug:what>/", views.nominal_change, name="nominal-change"),
    path("nominals/<int:pk>/exit/", views.nominal_exit, name="nominal-exit"),
    path("nominals/<int:pk>/transfer/", views.transfer_request, name="transfer-request"),
    path("nominals/transfers/<int:pk>/acknowledge/", views.transfer_accept, name="transfer-accept"),
    path("nominals/transfers/<int:pk>/effective/", views.transfer_effective, name="transfer-effective"),
]
