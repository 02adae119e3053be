import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import signed_in_client
from tests.factories.accounts import member

pytestmark = pytest.mark.django_db


def test_home_requires_sign_in():
    response = Client().get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))


def test_home_shows_marking_and_agency_when_signed_in():
    user = member(["practitioner"])
    response = signed_in_client(user).get(reverse("web:home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "OFFICIAL-SENSITIVE" in body
    assert user.acting_membership is not None
    assert user.acting_membership.agency.name in body


@pytest.mark.parametrize("name", ["web:accessibility", "web:privacy", "web:cookies"])
def test_public_pages_open_without_sign_in(name):
    response = Client().get(reverse(name))
    assert response.status_code == 200
    assert "OFFICIAL-SENSITIVE" not in response.content.decode()


def test_healthz_reports_ok():
    response = Client().get(reverse("web:healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "migrations": "ok"}


def test_refused_access_is_audited_without_the_query_string():
    from mappa.audit.models import Action, AuditEvent

    user = member(["practitioner"])
    response = signed_in_client(user).get(reverse("accounts:user-list") + "?q=something")
    assert response.status_code == 403
    event = AuditEvent.objects.get(action=Action.ACCESS_DENIED)
    assert event.actor_user_id == user.pk
    assert event.actor_agency_id == user.acting_membership.agency_id
    assert event.detail == {"path": reverse("accounts:user-list"), "method": "GET"}


def test_change_agency_link_only_with_another_active_membership():
    from tests.factories.accounts import MembershipFactory

    user = member(["practitioner"])
    client = signed_in_client(user)
    assert "Change<span" not in client.get(reverse("web:home")).content.decode()
    other = MembershipFactory(user=user, is_active=False, deactivated_at="2026-01-01T00:00:00Z")
    assert "Change<span" not in client.get(reverse("web:home")).content.decode()
    other.is_active, other.deactivated_at = True, None
    other.save(override=True)
    assert "Change<span" in client.get(reverse("web:home")).content.decode()


def test_security_txt_names_the_configured_contact_with_an_expiry_within_a_year(settings):
    from datetime import datetime, timedelta

    from django.utils import timezone

    settings.MAPPA_SECURITY_CONTACT = "mailto:security@mappa.example.invalid"
    settings.MAPPA_SECURITY_POLICY = "https://mappa.example.invalid/disclosure-policy"
    response = Client().get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    fields = dict(line.split(": ", 1) for line in response.content.decode().splitlines())
    assert fields["Contact"] == "mailto:security@mappa.example.invalid"
    assert fields["Policy"] == "https://mappa.example.invalid/disclosure-policy"
    assert fields["Canonical"] == "http://testserver/.well-known/security.txt"
    expires = datetime.strptime(fields["Expires"], "%Y-%m-%dT%H:%M:%S%z")
    assert timezone.now() < expires < timezone.now() + timedelta(days=365)


def test_security_txt_is_absent_until_a_contact_is_configured(settings):
    settings.MAPPA_SECURITY_CONTACT = ""
    assert Client().get("/.well-known/security.txt").status_code == 404
