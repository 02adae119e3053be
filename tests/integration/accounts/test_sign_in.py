import time

import pytest
from axes.utils import reset as axes_reset
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from mappa.accounts.middleware import SESSION_LAST_ACTIVITY, SESSION_TWO_FACTOR_SKIPPED
from mappa.audit.models import Action, AuditEvent
from tests.conftest import signed_in_client
from tests.factories.accounts import PASSWORD, MembershipFactory, UserFactory, member

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("accounts:sign-in")
HOME = reverse("web:home")


@pytest.fixture(autouse=True)
def _clean_axes():
    axes_reset()


def _sign_in(client, username, password=PASSWORD):
    return client.post(SIGN_IN, {"username": username, "password": password})


def test_sign_in_page_has_password_field_that_allows_password_managers():
    body = Client().get(SIGN_IN).content.decode()
    assert 'type="password"' in body
    assert 'autocomplete="current-password"' in body
    assert "onpaste" not in body


def test_sign_in_with_right_password_rotates_session_and_audits():
    user = member(["practitioner"])
    client = Client()
    client.get(SIGN_IN)
    before = client.session.session_key
    response = _sign_in(client, user.username)
    assert response.status_code == 302
    assert client.session.session_key != before
    assert AuditEvent.objects.filter(action=Action.SIGN_IN, actor_user_id=user.pk).exists()


@pytest.mark.parametrize("username", ["known", "unknown"])
def test_sign_in_failure_message_is_the_same_for_unknown_and_known_users(username):
    UserFactory(username="known")
    response = _sign_in(Client(), username, "wrong password here")
    assert response.status_code == 200
    assert "Enter a correct username and password" in response.content.decode()
    event = AuditEvent.objects.get(action=Action.SIGN_IN_FAILED)
    assert event.actor_username == username
    assert "wrong password here" not in str(event.detail) + event.summary


def test_lock_out_after_repeated_failures_refuses_even_the_right_password(settings):
    user = member(["practitioner"])
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = _sign_in(client, user.username, "not the password")
    assert response.status_code == 429
    assert "Your account is locked" in response.content.decode()
    response = _sign_in(client, user.username)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    locked = AuditEvent.objects.filter(action=Action.LOCKED_OUT, actor_username=user.username).first()
    assert locked is not None
    # Recorded against the user's agency, so that agency's auditors see it.
    assert locked.object_agency_id == user.acting_membership.agency_id


def test_sign_in_redirects_only_to_local_next():
    user = member(["practitioner"])
    response = Client().post(
        SIGN_IN, {"username": user.username, "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == HOME


def test_two_factor_enrolment_required_in_production_posture(settings):
    settings.MAPPA_REQUIRE_2FA = True
    user = member(["practitioner"])
    client = Client()
    _sign_in(client, user.username)
    response = client.get(HOME)
    assert response["Location"] == reverse("accounts:two-factor-setup")
    page = client.get(reverse("accounts:two-factor-setup")).content.decode()
    assert "<svg" in page
    assert "Skip for now" not in page
    response = client.post(reverse("accounts:two-factor-setup"), {"skip": "1"})
    assert response.status_code == 403
    assert client.get(HOME)["Location"] == reverse("accounts:two-factor-setup")


def test_two_factor_may_be_skipped_in_the_demo_and_says_so(settings):
    settings.MAPPA_REQUIRE_2FA = False
    user = member(["practitioner"])
    client = Client()
    _sign_in(client, user.username)
    page = client.get(reverse("accounts:two-factor-setup")).content.decode()
    assert "Skip for now (demonstration only)" in page
    assert "In production every account must use two-factor authentication" in page
    client.post(reverse("accounts:two-factor-setup"), {"skip": "1"})
    assert client.get(HOME).status_code == 200


def test_two_factor_enrolment_then_verification_at_next_sign_in(settings):
    settings.MAPPA_REQUIRE_2FA = True
    user = member(["practitioner"])
    client = Client()
    _sign_in(client, user.username)
    client.get(reverse("accounts:two-factor-setup"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    enrolment_code = f"{totp(device.bin_key):06d}"
    response = client.post(reverse("accounts:two-factor-setup"), {"token": enrolment_code})
    assert response["Location"] == HOME
    assert client.get(HOME).status_code == 200
    assert AuditEvent.objects.filter(action=Action.TWO_FACTOR_ENROLLED, actor_user_id=user.pk).exists()

    client = Client()
    _sign_in(client, user.username)
    assert client.get(HOME)["Location"] == reverse("accounts:two-factor")
    response = client.post(reverse("accounts:two-factor"), {"token": "12345"})
    assert "Enter the 6-digit code" in response.content.decode()
    # The enrolment code may not be replayed: django-otp refuses a code at or before the last used step.
    response = client.post(reverse("accounts:two-factor"), {"token": enrolment_code})
    assert response.status_code == 200
    assert "The code is not correct" in response.content.decode()
    # Let the current step's code through (it may be the step the enrolment code used).
    device.refresh_from_db()
    device.throttle_reset(commit=False)
    device.last_t = -1
    device.save()
    response = client.post(reverse("accounts:two-factor"), {"token": f"{totp(device.bin_key):06d}"})
    assert response["Location"] == HOME
    assert client.get(HOME).status_code == 200


def test_user_with_device_cannot_skip_verification(settings):
    settings.MAPPA_REQUIRE_2FA = False
    user = member(["practitioner"])
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = Client()
    _sign_in(client, user.username)
    session = client.session
    session[SESSION_TWO_FACTOR_SKIPPED] = True
    session.save()
    assert client.get(HOME)["Location"] == reverse("accounts:two-factor")


def test_multi_agency_user_chooses_agency_and_it_is_audited():
    user = member(["practitioner"])
    second = MembershipFactory(user=user, roles=["auditor"])
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_TWO_FACTOR_SKIPPED] = True
    session.save()
    assert client.get(HOME)["Location"] == reverse("accounts:choose-agency")
    response = client.post(reverse("accounts:choose-agency"), {"membership": second.pk})
    assert response["Location"] == HOME
    page = client.get(HOME).content.decode()
    assert second.agency.name in page
    assert AuditEvent.objects.filter(action=Action.AGENCY_CHOSEN, object_agency_id=second.agency_id).exists()


def test_choose_agency_refuses_someone_elses_membership():
    user = member(["practitioner"])
    MembershipFactory(user=user)
    client = signed_in_client(user)
    response = client.post(reverse("accounts:choose-agency"), {"membership": MembershipFactory().pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_single_agency_user_acts_for_it_automatically():
    user = member(["practitioner"])
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_TWO_FACTOR_SKIPPED] = True
    session.save()
    assert client.get(HOME).status_code == 200


def test_user_without_active_membership_sees_no_access():
    user = UserFactory()
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_TWO_FACTOR_SKIPPED] = True
    session.save()
    assert client.get(HOME)["Location"] == reverse("accounts:no-access")
    assert client.get(reverse("accounts:no-access")).status_code == 403


def test_notice_must_be_accepted_before_anything_else():
    user = UserFactory(accepted_notice=False)
    MembershipFactory(user=user)
    client = signed_in_client(user)
    assert client.get(HOME)["Location"] == reverse("accounts:notice")
    response = client.post(reverse("accounts:notice"), {})
    assert "Confirm that you accept the notice" in response.content.decode()
    response = client.post(reverse("accounts:notice"), {"accept": "on"})
    assert response["Location"] == HOME
    assert client.get(HOME).status_code == 200


def test_sign_out_is_post_only_and_ends_the_session():
    user = member(["practitioner"])
    client = signed_in_client(user)
    assert client.get(reverse("accounts:sign-out")).status_code == 405
    cookie = client.cookies["mappa_session"].value
    response = client.post(reverse("accounts:sign-out"))
    assert response["Location"] == reverse("accounts:signed-out")
    assert "Clear-Site-Data" in response
    replay = Client()
    replay.cookies["mappa_session"] = cookie
    assert replay.get(HOME).status_code == 302
    assert AuditEvent.objects.filter(action=Action.SIGN_OUT, actor_user_id=user.pk).exists()


def test_idle_session_is_signed_out(settings):
    user = member(["practitioner"])
    client = signed_in_client(user)
    session = client.session
    session[SESSION_LAST_ACTIVITY] = time.time() - settings.MAPPA_IDLE_TIMEOUT.total_seconds() - 1
    session.save()
    response = client.get(HOME)
    assert response["Location"] == reverse("accounts:signed-out") + "?reason=idle"
    assert "You have been signed out" in client.get(response["Location"]).content.decode()
    assert client.get(HOME).status_code == 302
    event = AuditEvent.objects.get(action=Action.SIGN_OUT, actor_user_id=user.pk)
    assert event.detail == {"reason": "idle"}


def test_session_warning_page_does_not_extend_the_session_but_staying_does(settings):
    user = member(["practitioner"])
    client = signed_in_client(user)
    client.get(HOME)
    stale = time.time() - 60
    session = client.session
    session[SESSION_LAST_ACTIVITY] = stale
    session.save()
    assert "You will be signed out soon" in client.get(reverse("accounts:session-warning")).content.decode()
    assert client.session[SESSION_LAST_ACTIVITY] == stale
    client.post(reverse("accounts:session-warning"), {"next": HOME})
    assert client.session[SESSION_LAST_ACTIVITY] > stale


def test_deactivated_user_session_ends_at_next_request():
    user = member(["practitioner"])
    client = signed_in_client(user)
    assert client.get(HOME).status_code == 200
    user.is_active = False
    user.save()
    assert client.get(HOME).status_code == 302


def test_change_password_requires_current_password_and_ends_other_sessions():
    user = member(["practitioner"])
    client = signed_in_client(user)
    other_session = signed_in_client(user)
    url = reverse("accounts:change-password")
    assert client.get(url).status_code == 200
    new = "a different long passphrase"
    response = client.post(url, {"current_password": "wrong", "password1": new, "password2": new})
    assert "Your current password is not correct" in response.content.decode()
    response = client.post(url, {"current_password": PASSWORD, "password1": "short", "password2": "short"})
    assert "This password is too short" in response.content.decode()
    response = client.post(url, {"current_password": PASSWORD, "password1": new, "password2": new})
    assert response["Location"] == HOME
    user.refresh_from_db()
    assert user.check_password(new)
    assert client.get(HOME).status_code == 200
    assert other_session.get(HOME).status_code == 302
    assert AuditEvent.objects.filter(summary="Password changed", actor_user_id=user.pk).exists()


def test_session_ends_twelve_hours_after_sign_in_however_active(settings):
    from mappa.accounts.middleware import SESSION_SIGNED_IN_AT

    user = member(["practitioner"])
    client = signed_in_client(user)
    assert client.get(HOME).status_code == 200
    session = client.session
    session[SESSION_SIGNED_IN_AT] = time.time() - settings.MAPPA_SESSION_MAX_AGE.total_seconds() - 1
    session.save()
    response = client.get(HOME)
    assert response["Location"] == reverse("accounts:signed-out") + "?reason=expired"
    assert "signed in for 12 hours" in client.get(response["Location"]).content.decode()


def test_failed_change_password_attempts_are_stored_masked():
    from axes.models import AccessAttempt

    user = member(["practitioner"])
    client = signed_in_client(user)
    client.post(
        reverse("accounts:change-password"),
        {
            "current_password": "typo of the secret",
            "password1": "brand new secret",
            "password2": "brand new secret",
        },
    )
    attempt = AccessAttempt.objects.get()
    assert "typo of the secret" not in attempt.post_data
    assert "brand new secret" not in attempt.post_data


def test_two_factor_events_name_the_users_agency(settings):
    settings.MAPPA_REQUIRE_2FA = True
    user = member(["practitioner"])
    client = Client()
    _sign_in(client, user.username)
    client.get(reverse("accounts:two-factor-setup"))
    client.post(reverse("accounts:two-factor-setup"), {"token": "000000"})
    failed = AuditEvent.objects.get(action=Action.TWO_FACTOR_FAILED)
    assert failed.object_agency_id == user.acting_membership.agency_id
    sign_in = AuditEvent.objects.get(action=Action.SIGN_IN)
    assert sign_in.object_agency_id == user.acting_membership.agency_id


def test_a_new_notice_version_is_asked_for_in_a_session_that_accepted_the_old_one(monkeypatch):
    from mappa.accounts import middleware, services
    from mappa.accounts.notice import NOTICE_VERSION

    user = member(["practitioner"])
    client = signed_in_client(user)
    assert client.get(HOME).status_code == 200
    monkeypatch.setattr(middleware, "NOTICE_VERSION", NOTICE_VERSION + 1)
    monkeypatch.setattr(services, "NOTICE_VERSION", NOTICE_VERSION + 1)
    assert client.get(HOME)["Location"] == reverse("accounts:notice")
