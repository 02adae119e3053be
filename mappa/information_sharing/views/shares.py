"""Placeholder: being written."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def py(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def share_start(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def share_items(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def share_recipient(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def share_terms(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def share_check(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def share_list(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def share_detail(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def share_revoke(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404

