from django.urls import path

from mappa.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("signed-out/", views.signed_out, name="signed-out"),
    path("two-factor/", views.two_factor, name="two-factor"),
    path("two-factor/set-up/", views.two_factor_setup, name="two-factor-setup"),
    path("choose-agency/", views.choose_agency, name="choose-agency"),
    path("notice/", views.notice, name="notice"),
    path("no-access/", views.no_access, name="no-access"),
    path("session/", views.session_warning, name="session-warning"),
    path("invitation/<str:uidb64>/<str:token>/", views.invitation, name="invitation"),
    path("users/", views.user_list, name="user-list"),
    path("users/new/", views.user_create, name="user-create"),
    path("users/<int:pk>/", views.user_detail, name="user-detail"),
    path("users/<int:pk>/roles/", views.user_roles, name="user-roles"),
    path("users/<int:pk>/deactivate/", views.user_deactivate, name="user-deactivate"),
    path("users/<int:pk>/reactivate/", views.user_reactivate, name="user-reactivate"),
    path("users/<int:pk>/invitation/", views.user_invitation, name="user-invitation"),
    path("users/<int:pk>/two-factor-reset/", views.user_two_factor_reset, name="user-two-factor-reset"),
    path("users/<int:pk>/sign-out/", views.user_sign_out_everywhere, name="user-sign-out-everywhere"),
    path("account/password/", views.change_password, name="change-password"),
]
