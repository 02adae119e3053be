"""What every agencies page shares: sign-in, CSRF, methods and well-formed markup."""

import re
from collections import Counter

import pytest
from django.test import Client
from django.urls import reverse

from mappa.agencies.models import Agency
from tests.conftest import signed_in_client

pytestmark = pytest.mark.django_db


def _pages(north):
    return [
        reverse("agencies:area-list"),
        reverse("agencies:area-create"),
        reverse("agencies:area-detail", args=[north.area.pk]),
        reverse("agencies:area-edit", args=[north.area.pk]),
        reverse("agencies:agency-list"),
        reverse("agencies:agency-create"),
        reverse("agencies:agency-detail", args=[north.police.pk]),
        reverse("agencies:agency-edit", args=[north.police.pk]),
        reverse("agencies:agreement-list"),
        reverse("agencies:agreement-create"),
        reverse("agencies:agreement-detail", args=[north.agreement.pk]),
        reverse("agencies:agreement-edit", args=[north.agreement.pk]),
        reverse("agencies:agreement-status", args=[north.agreement.pk]),
    ]


def test_pages_redirect_to_sign_in_when_signed_out(north):
    for url in _pages(north):
        response = Client().get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:sign-in")), url


def test_pages_have_one_h1_unique_ids_and_labelled_tables(north):
    client = signed_in_client(north.coordinator)
    for url in _pages(north):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        ids = Counter(re.findall(r'\sid="([^"]+)"', body))
        assert not [i for i, n in ids.items() if n > 1], url
        assert body.count("<h1") == 1, url
        assert body.count("<table") == body.count("<caption"), url
        assert "OFFICIAL-SENSITIVE" in body, url


def test_form_pages_with_errors_keep_ids_unique(north):
    client = signed_in_client(north.coordinator)
    for url in (
        reverse("agencies:agency-create"),
        reverse("agencies:agreement-create"),
        reverse("agencies:agreement-edit", args=[north.agreement.pk]),
    ):
        body = client.post(url, {}).content.decode()
        assert "There is a problem" in body, url
        ids = Counter(re.findall(r'\sid="([^"]+)"', body))
        assert not [i for i, n in ids.items() if n > 1], url
        assert body.startswith("<!DOCTYPE html>")
        assert "<title>Error: " in body, url


def test_mutating_views_refuse_post_without_csrf_token(north):
    client = signed_in_client(north.coordinator)
    client.handler.enforce_csrf_checks = True
    response = client.post(
        reverse("agencies:agency-edit", args=[north.health.pk]),
        {"name": "Renamed", "kind": "health", "areas": [north.area.pk], "is_active": "true"},
    )
    assert response.status_code == 403
    assert Agency.objects.get(pk=north.health.pk).name == "North Health Trust"


@pytest.mark.parametrize("name", ["agencies:area-list", "agencies:agency-list", "agencies:agreement-list"])
def test_read_only_views_refuse_post(north, name):
    response = signed_in_client(north.coordinator).post(reverse(name))
    assert response.status_code == 405


def test_form_views_refuse_other_methods(north):
    response = signed_in_client(north.coordinator).put(
        reverse("agencies:agency-edit", args=[north.health.pk])
    )
    assert response.status_code == 405
