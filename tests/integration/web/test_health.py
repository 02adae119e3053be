import subprocess
import sys

import pytest
from django.conf import settings
from django.db import DatabaseError
from django.test import Client, override_settings
from django.urls import include, path, reverse

from mappa.web import health
from tests.conftest import signed_in_client
from tests.factories.accounts import member

pytestmark = pytest.mark.django_db


def test_healthz_503_when_database_unavailable(monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr("mappa.web.health.connection.cursor", broken_cursor)
    response = Client().get(reverse("web:healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "unhealthy", "database": "unavailable", "migrations": "unknown"}


def test_healthz_503_when_migrations_pending(monkeypatch):
    class Executor:
        def __init__(self, connection):
            self.loader = type(
                "Loader", (), {"graph": type("Graph", (), {"leaf_nodes": lambda self: []})()}
            )()

        def migration_plan(self, targets):
            return [("accounts", "9999_future")]

    monkeypatch.setattr(health, "MigrationExecutor", Executor)
    response = Client().get(reverse("web:healthz"))
    assert response.status_code == 503
    assert response.json()["migrations"] == "pending"


def test_mappa_console_command_lists_operator_tasks():
    result = subprocess.run(
        [sys.executable, "-m", "mappa.cli", "help"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    for command in ("demo", "audit", "permissions", "run"):
        assert command in result.stdout


def test_not_found_page_is_govuk_styled():
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    assert "govuk-template" in body


def _boom(request):
    raise RuntimeError("secret internals")


urlpatterns = [path("boom/", _boom), path("", include("mappa.urls"))]
handler500 = "mappa.web.views.server_error"


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_server_error_page_hides_internals_and_gives_a_reference():
    # Signed in past every gate, so the request reaches the failing view.
    client = signed_in_client(member(["practitioner"]))
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Sorry, there is a problem with the service" in body
    assert "secret internals" not in body
    assert "Traceback" not in body
    assert response["X-Request-ID"] in body
