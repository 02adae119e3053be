"""Placeholder: being written."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def py(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def case_access_log(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404

