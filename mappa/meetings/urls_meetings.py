"""Meetings: scheduling, invitations, signatures, attendance and papers ("meetings" namespace)."""

from django.urls import path

from mappa.meetings import views_meetings as views

urlpatterns = [
    path("meetings/", views.meeting_list, name="meeting-list"),
    path("meetings/new/", views.meeting_create, name="meeting-create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting-edit"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting-cancel"),
    path("meetings/<int:pk>/held/", views.meeting_held, name="meeting-held"),
    path("meetings/<int:pk>/invite/", views.meeting_invite, name="meeting-invite"),
    path("meetings/<int:pk>/sign/", views.meeting_sign, name="meeting-sign"),
    path("meetings/<int:pk>/attendance/", views.meeting_attendance, name="meeting-attendance"),
    path("meetings/<int:pk>/agenda/", views.meeting_agenda, name="meeting-agenda"),
    path(
        "meetings/<int:pk>/agenda/<int:item_pk>/remove/",
        views.meeting_agenda_remove,
        name="meeting-agenda-remove",
    ),
    path(
        "meetings/<int:pk>/agenda/<int:item_pk>/statement/", views.meeting_statement, name="meeting-statement"
    ),
    path("meetings/<int:pk>/report/", views.meeting_report, name="meeting-report"),
    path("meetings/<int:pk>/pack/", views.meeting_pack_view, name="meeting-pack"),
]
