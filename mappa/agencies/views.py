from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def agency_list(request: HttpRequest) -> HttpResponse:
    return render(request, "agencies/agency_list.html")


def agreement_list(request: HttpRequest) -> HttpResponse:
    return render(request, "agencies/agreement_list.html")
