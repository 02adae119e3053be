"""Registers the disclosures sections of other apps' pages (called from apps.py)."""


def register() -> None:
    pass
