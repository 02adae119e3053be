"""Filled in by its part of the app."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
