"""Placeholder: being written."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def py(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def item_create(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def person_item_create(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def item_detail(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def item_update(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def item_supersede(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def item_erase(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404

