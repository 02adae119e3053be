"""Minutes (MAPPA C): drafting, submission, approval and correction; actions as tasks."""

from django.urls import path

from mappa.meetings import views_minutes as views

urlpatterns = [
    path("minutes/<int:pk>/", views.minutes_detail, name="minutes-detail"),
    path(
        "meetings/<int:meeting_pk>/agenda/<int:item_pk>/minutes/new/",
        views.minutes_start,
        name="minutes-start",
    ),
    path("minutes/<int:pk>/edit/", views.minutes_edit, name="minutes-edit"),
    path("minutes/<int:pk>/confirm/<slug:section>/", views.minutes_confirm, name="minutes-confirm"),
    path("minutes/<int:pk>/entries/", views.minutes_entries, name="minutes-entries"),
    path(
        "minutes/<int:pk>/entries/<slug:kind>/<int:row_pk>/remove/",
        views.minutes_row_remove,
        name="minutes-row-remove",
    ),
    path(
        "minutes/<int:pk>/previous-actions/<int:action_pk>/",
        views.minutes_action_review,
        name="minutes-action-review",
    ),
    path("minutes/<int:pk>/submit/", views.minutes_submit, name="minutes-submit"),
    path("minutes/<int:pk>/return/", views.minutes_return, name="minutes-return"),
    path("minutes/<int:pk>/approve/", views.minutes_approve, name="minutes-approve"),
    path("minutes/<int:pk>/correct/", views.minutes_correct, name="minutes-correct"),
    path("actions/", views.action_list, name="action-list"),
    path("actions/<int:pk>/", views.action_update, name="action-update"),
]
