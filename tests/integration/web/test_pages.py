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
