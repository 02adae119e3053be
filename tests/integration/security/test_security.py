"""Security posture checks from reference/security_standards.md (OWASP ASVS 5 L2)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import signed_in_client
from tests.factories.accounts import member

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)

# URLs open without signing in: reviewed list (ASVS 5 §6.1.3: no undocumented pathways).
PUBLIC_URL_NAMES = {
    "accounts:sign-in",
    "accounts:signed-out",
    "accounts:invitation",
    "web:accessibility",
    "web:privacy",
    "web:cookies",
    "web:healthz",
    "web:security-txt",
    # The public disclosure scheme application form (issue 7): no sign-in by design.
    "disclosure_schemes:apply-start",
    "disclosure_schemes:apply-scheme",
    "disclosure_schemes:apply-force",
    "disclosure_schemes:apply-about-you",
    "disclosure_schemes:apply-contact",
    "disclosure_schemes:apply-person",
    "disclosure_schemes:apply-access",
    "disclosure_schemes:apply-children",
    "disclosure_schemes:apply-concern",
    "disclosure_schemes:apply-check",
    "disclosure_schemes:apply-confirmation",
}


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}{p.name}", prefix + str(p.pattern), p


def _sample_url(route: str) -> str:
    url = "/" + route
    for token, value in (
        ("<int:pk>", "1"),
        ("<int:sequence>", "1"),
        ("<str:uidb64>", "MQ"),
        ("<str:token>", "x"),
    ):
        url = url.replace(token, value)
    return url


def test_every_url_requires_sign_in_unless_reviewed_as_public():
    client = Client()
    for name, route, _ in _walk(get_resolver().url_patterns):
        if name.startswith("admin:"):
            continue
        url = _sample_url(route)
        if "<" in url:
            continue
        response = client.get(url)
        if name in PUBLIC_URL_NAMES:
            if response.status_code == 302:
                # The application form's later pages send a visitor with no answers to its start.
                assert response["Location"] == reverse("disclosure_schemes:apply-start"), name
            else:
                assert response.status_code in (200, 404), name
        else:
            assert response.status_code == 302, f"{name} ({url}) is reachable without signing in"
            assert response["Location"].startswith(reverse("accounts:sign-in")), name


def test_security_headers_on_pages():
    response = signed_in_client(member(["practitioner"])).get(reverse("web:home"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "object-src 'none'" in csp
    assert "base-uri 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "'nonce-" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "no-store" in response["Cache-Control"]
    assert response["X-Request-ID"]


def test_inline_script_carries_the_csp_nonce():
    response = signed_in_client(member(["practitioner"])).get(reverse("web:home"))
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in response.content.decode()


def test_session_cookie_is_httponly_and_samesite():
    user = member(["practitioner"])
    client = Client()
    client.post(
        reverse("accounts:sign-in"), {"username": user.username, "password": "correct horse battery staple"}
    )
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_passwords_are_hashed_with_argon2():
    user = member(["practitioner"])
    user.set_password("another long passphrase")
    assert user.password.startswith("argon2")


def test_csrf_is_enforced():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:sign-in"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "Your form could not be sent" in response.content.decode()


def test_trace_method_is_not_allowed_on_health():
    assert Client().generic("TRACE", reverse("web:healthz")).status_code == 405


def _clean_env() -> dict[str, str]:
    # The test process sets DJANGO_ALLOW_ASYNC_UNSAFE for Playwright; a deployment never would.
    return {
        k: v for k, v in os.environ.items() if not k.startswith(("MAPPA_", "DJANGO_")) and k != "DATABASE_URL"
    }


def _production_env(**extra: str) -> dict[str, str]:
    env = _clean_env()
    env.update(
        MAPPA_ENV="production",
        MAPPA_SECRET_KEY="x" * 20 + "-production-test-key-" + "y" * 30,
        MAPPA_ALLOWED_HOSTS="mappa.example.invalid",
        MAPPA_CACHE_URL="redis://127.0.0.1:6379/15",
        **extra,
    )
    return env


def _mappa(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-m", "mappa.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_posture_passes_check_deploy():
    result = _mappa("check", "--deploy", "--fail-level", "WARNING", env=_production_env())
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_secret_key():
    env = _production_env()
    del env["MAPPA_SECRET_KEY"]
    result = _mappa("check", env=env)
    assert result.returncode != 0
    assert "MAPPA_SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_a_shared_cache():
    env = _production_env()
    del env["MAPPA_CACHE_URL"]
    result = _mappa("check", env=env)
    assert result.returncode != 0
    assert "MAPPA_CACHE_URL must name a Redis server" in result.stderr


def test_production_has_no_django_admin_and_secure_cookies():
    code = (
        "import sys, django; django.setup()\n"
        "from django.conf import settings as s\n"
        "from django.urls import Resolver404, resolve\n"
        "assert 'django.contrib.admin' not in s.INSTALLED_APPS\n"
        "assert s.SESSION_COOKIE_SECURE and s.CSRF_COOKIE_SECURE\n"
        "assert s.SESSION_COOKIE_NAME.startswith('__Host-')\n"
        "assert s.MAPPA_REQUIRE_2FA\n"
        "assert s.CACHES['default']['BACKEND'].endswith('RedisCache')\n"
        "try:\n    resolve('/django-admin/')\n    sys.exit(3)\nexcept Resolver404:\n    pass\n"
    )
    env = _production_env(DJANGO_SETTINGS_MODULE="mappa.settings")
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr


def test_development_key_is_generated_under_var(tmp_path):
    env = _clean_env()
    env["MAPPA_VAR_DIR"] = str(tmp_path)
    result = _mappa("check", env=env)
    assert result.returncode == 0, result.stderr
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def test_demo_is_refused_in_production():
    result = _mappa("demo", env=_production_env())
    assert result.returncode != 0
    assert "never loaded when MAPPA_ENV=production" in result.stderr


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "127.0.0.1"),  # no trusted proxy: the header is ignored
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the left entry came from the client
        (2, "203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "10.0.0.2", "127.0.0.1"),  # fewer entries than proxies: keep REMOTE_ADDR
    ],
)
def test_client_address_is_taken_from_trusted_proxies_only(settings, proxies, forwarded, expected):
    from mappa.audit.models import Action, AuditEvent

    settings.MAPPA_PROXY_COUNT = proxies
    Client().post(
        reverse("accounts:sign-in"),
        {"username": "nobody", "password": "wrong password"},
        HTTP_X_FORWARDED_FOR=forwarded,
    )
    assert AuditEvent.objects.get(action=Action.SIGN_IN_FAILED).ip_address == expected
