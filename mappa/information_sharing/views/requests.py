"""Placeholder: being written."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def py(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def request_list(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def access_request_create(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def access_request_detail(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def access_request_decline(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def access_request_withdraw(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def onward_request_create(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def onward_request_detail(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def onward_request_refuse(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404

