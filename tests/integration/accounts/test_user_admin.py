"""Agency administrators manage their own agency's users; every view tested allowed and denied."""

import pytest
from django.urls import reverse

from mappa.accounts.models import User
from mappa.audit.models import Action, AuditEvent
from tests.conftest import signed_in_client
from tests.factories.accounts import MembershipFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    """An administrator and a practitioner of one agency, a colleague, and another agency's user."""
    admin = member(["agency_administrator"])
    agency = admin.acting_membership.agency
    practitioner = member(["practitioner"], agency=agency)
    colleague = MembershipFactory(agency=agency, roles=["practitioner"])
    outsider = MembershipFactory(roles=["practitioner"])
    other_admin = member(["agency_administrator"], agency=outsider.agency)
    return {
        "admin": admin,
        "practitioner": practitioner,
        "colleague": colleague,
        "outsider": outsider,
        "other_admin": other_admin,
    }


NEW_USER = {
    "first_name": "Test",
    "last_name": "Officer",
    "email": "test.officer@example.invalid",
    "username": "test.officer",
    "roles": ["practitioner", "auditor"],
}


@pytest.mark.parametrize(("who", "status"), [("admin", 200), ("practitioner", 403)])
def test_user_list(setup, who, status):
    response = signed_in_client(setup[who]).get(reverse("accounts:user-list"))
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert setup["colleague"].user.username in body
        assert setup["outsider"].user.username not in body


@pytest.mark.parametrize(("who", "allowed"), [("admin", True), ("practitioner", False)])
def test_user_create(setup, who, allowed):
    client = signed_in_client(setup[who])
    assert client.get(reverse("accounts:user-create")).status_code == (200 if allowed else 403)
    response = client.post(reverse("accounts:user-create"), NEW_USER)
    created = User.objects.filter(username="test.officer").first()
    if allowed:
        assert created is not None
        membership = created.memberships.get()
        assert membership.agency == setup["admin"].acting_membership.agency
        assert response["Location"] == reverse("accounts:user-detail", args=[membership.pk])
        detail = client.get(response["Location"]).content.decode()
        assert 'data-testid="invitation-url"' in detail
        # The link is shown once; a later visit does not show it again.
        assert 'data-testid="invitation-url"' not in client.get(response["Location"]).content.decode()
    else:
        assert response.status_code == 403
        assert created is None


def test_user_create_bad_input_explains_and_writes_nothing(setup):
    client = signed_in_client(setup["admin"])
    events = AuditEvent.objects.count()
    response = client.post(
        reverse("accounts:user-create"), {**NEW_USER, "email": "not-an-email", "roles": []}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "Enter a valid email address" in body
    assert "Select at least one role" in body
    assert not User.objects.filter(username="test.officer").exists()
    assert AuditEvent.objects.count() == events


def test_user_create_duplicate_username_shown_on_field(setup):
    client = signed_in_client(setup["admin"])
    response = client.post(
        reverse("accounts:user-create"), {**NEW_USER, "username": setup["colleague"].user.username}
    )
    assert "That username is already taken" in response.content.decode()


def test_user_create_offers_only_roles_allowed_in_the_agency(setup):
    body = signed_in_client(setup["admin"]).get(reverse("accounts:user-create")).content.decode()
    assert 'value="lay_adviser"' not in body
    assert 'value="practitioner"' in body


@pytest.mark.parametrize(("who", "status"), [("admin", 200), ("practitioner", 404), ("other_admin", 404)])
def test_user_detail(setup, who, status):
    url = reverse("accounts:user-detail", args=[setup["colleague"].pk])
    assert signed_in_client(setup[who]).get(url).status_code == status


def test_user_detail_missing_and_forbidden_look_the_same(setup):
    client = signed_in_client(setup["admin"])
    missing = client.get(reverse("accounts:user-detail", args=[999999]))
    forbidden = client.get(reverse("accounts:user-detail", args=[setup["outsider"].pk]))
    assert missing.status_code == forbidden.status_code == 404
    assert missing.content.decode().count("Page not found") == forbidden.content.decode().count(
        "Page not found"
    )


@pytest.mark.parametrize(
    ("who", "allowed"), [("admin", True), ("practitioner", False), ("other_admin", False)]
)
def test_user_roles_change(setup, who, allowed):
    colleague = setup["colleague"]
    url = reverse("accounts:user-roles", args=[colleague.pk])
    response = signed_in_client(setup[who]).post(url, {"roles": ["auditor"]})
    colleague.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert colleague.roles == ["auditor"]
    else:
        assert response.status_code == 404
        assert colleague.roles == ["practitioner"]


def test_user_roles_change_refuses_removing_own_admin_role(setup):
    admin = setup["admin"]
    url = reverse("accounts:user-roles", args=[admin.acting_membership.pk])
    response = signed_in_client(admin).post(url, {"roles": ["practitioner"]})
    assert "You cannot remove your own administrator role" in response.content.decode()
    admin.acting_membership.refresh_from_db()
    assert admin.acting_membership.roles == ["agency_administrator"]


@pytest.mark.parametrize(
    ("who", "allowed"), [("admin", True), ("practitioner", False), ("other_admin", False)]
)
def test_user_deactivate_and_reactivate(setup, who, allowed):
    colleague = setup["colleague"]
    client = signed_in_client(setup[who])
    deactivate = reverse("accounts:user-deactivate", args=[colleague.pk])
    assert client.get(deactivate).status_code == (200 if allowed else 404)
    response = client.post(deactivate)
    colleague.refresh_from_db()
    assert colleague.is_active is not allowed
    if allowed:
        assert response.status_code == 302
        colleague.user.refresh_from_db()
        assert not colleague.user.is_active
        client.post(reverse("accounts:user-reactivate", args=[colleague.pk]))
        colleague.refresh_from_db()
        assert colleague.is_active
        assert (
            AuditEvent.objects.filter(
                action=Action.PERMISSION_CHANGE, object_type="membership", object_id=str(colleague.pk)
            ).count()
            == 2
        )
    else:
        assert response.status_code == 404


def test_deactivated_users_session_ends(setup):
    colleague_client = signed_in_client(setup["colleague"].user)
    assert colleague_client.get(reverse("web:home")).status_code == 200
    signed_in_client(setup["admin"]).post(reverse("accounts:user-deactivate", args=[setup["colleague"].pk]))
    assert colleague_client.get(reverse("web:home")).status_code == 302


def test_admin_cannot_deactivate_self(setup):
    admin = setup["admin"]
    response = signed_in_client(admin).post(
        reverse("accounts:user-deactivate", args=[admin.acting_membership.pk])
    )
    assert response.status_code == 400
    assert "You cannot deactivate your own account" in response.content.decode()


def test_deactivate_needs_post(setup):
    colleague = setup["colleague"]
    signed_in_client(setup["admin"]).get(reverse("accounts:user-deactivate", args=[colleague.pk]))
    colleague.refresh_from_db()
    assert colleague.is_active


@pytest.mark.parametrize(("who", "status"), [("admin", 302), ("practitioner", 404)])
def test_new_invitation_link(setup, who, status):
    client = signed_in_client(setup["admin"])
    client.post(reverse("accounts:user-create"), NEW_USER)
    membership = User.objects.get(username="test.officer").memberships.get()
    response = signed_in_client(setup[who]).post(reverse("accounts:user-invitation", args=[membership.pk]))
    assert response.status_code == status


def test_invitation_sets_password_once(setup):
    admin_client = signed_in_client(setup["admin"])
    response = admin_client.post(reverse("accounts:user-create"), NEW_USER)
    page = admin_client.get(response["Location"]).content.decode()
    start = page.index("http://testserver/invitation/")
    link = page[start : page.index("<", start)].replace("http://testserver", "")
    from django.test import Client

    invited = Client()
    assert invited.get(link).status_code == 200
    response = invited.post(link, {"password1": "short", "password2": "short"})
    assert "This password is too short" in response.content.decode()
    response = invited.post(
        link, {"password1": "a long enough passphrase", "password2": "a long enough passphrase"}
    )
    assert response["Location"] == reverse("accounts:sign-in")
    assert User.objects.get(username="test.officer").check_password("a long enough passphrase")
    assert invited.get(link).status_code == 404


def test_invitation_with_bad_token_is_refused():
    from django.test import Client

    assert Client().get("/invitation/MQ/not-a-token/").status_code == 404
    assert Client().get("/invitation/%%%/x/").status_code == 404


@pytest.mark.parametrize(
    ("who", "allowed"), [("admin", True), ("practitioner", False), ("other_admin", False)]
)
def test_user_two_factor_reset(setup, who, allowed):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    colleague = setup["colleague"]
    TOTPDevice.objects.create(user=colleague.user, name="app", confirmed=True)
    client = signed_in_client(setup[who])
    url = reverse("accounts:user-two-factor-reset", args=[colleague.pk])
    assert client.get(url).status_code == (200 if allowed else 404)
    response = client.post(url)
    assert TOTPDevice.objects.filter(user=colleague.user).exists() is not allowed
    if allowed:
        assert response.status_code == 302
        event = AuditEvent.objects.get(summary="Two-factor authentication reset")
        assert event.changed_fields == ["two_factor_devices"]
    else:
        assert response.status_code == 404


def test_user_two_factor_reset_refuses_own(setup):
    admin = setup["admin"]
    url = reverse("accounts:user-two-factor-reset", args=[admin.acting_membership.pk])
    response = signed_in_client(admin).post(url)
    assert response.status_code == 400
    assert "Ask another administrator" in response.content.decode()


def test_two_factor_reset_ends_the_users_sessions(setup):
    colleague_client = signed_in_client(setup["colleague"].user)
    assert colleague_client.get(reverse("web:home")).status_code == 200
    admin_client = signed_in_client(setup["admin"])
    admin_client.post(reverse("accounts:user-two-factor-reset", args=[setup["colleague"].pk]))
    response = colleague_client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))
    # The administrator's own session is untouched.
    assert admin_client.get(reverse("web:home")).status_code == 200


@pytest.mark.parametrize(
    ("who", "allowed"), [("admin", True), ("practitioner", False), ("other_admin", False)]
)
def test_user_sign_out_everywhere(setup, who, allowed):
    colleague_client = signed_in_client(setup["colleague"].user)
    assert colleague_client.get(reverse("web:home")).status_code == 200
    client = signed_in_client(setup[who])
    url = reverse("accounts:user-sign-out-everywhere", args=[setup["colleague"].pk])
    assert client.get(url).status_code == (200 if allowed else 404)
    response = client.post(url)
    assert response.status_code == (302 if allowed else 404)
    assert colleague_client.get(reverse("web:home")).status_code == (302 if allowed else 200)
    assert AuditEvent.objects.filter(summary="Signed out everywhere").exists() is allowed


def test_user_sign_out_everywhere_refuses_own(setup):
    admin = setup["admin"]
    url = reverse("accounts:user-sign-out-everywhere", args=[admin.acting_membership.pk])
    response = signed_in_client(admin).post(url)
    assert response.status_code == 400


def test_user_create_emails_the_invitation_after_commit(
    setup, mailoutbox, django_capture_on_commit_callbacks
):
    client = signed_in_client(setup["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:user-create"), NEW_USER)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["test.officer@example.invalid"]
    assert "Your username is: test.officer" in message.body
    assert "http://testserver/invitation/" in message.body
    assert AuditEvent.objects.filter(summary="Invitation emailed").exists()


def test_failed_user_create_sends_no_email(setup, mailoutbox, django_capture_on_commit_callbacks):
    client = signed_in_client(setup["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:user-create"), {**NEW_USER, "roles": ["lay_adviser"]})
    assert mailoutbox == []


def test_new_invitation_is_emailed(setup, mailoutbox, django_capture_on_commit_callbacks):
    client = signed_in_client(setup["admin"])
    client.post(reverse("accounts:user-create"), NEW_USER)
    membership = User.objects.get(username="test.officer").memberships.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:user-invitation", args=[membership.pk]))
    assert response.status_code == 302
    assert len(mailoutbox) == 1
