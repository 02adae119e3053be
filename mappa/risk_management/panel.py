"""Registers the risk management sections of other apps' pages (called from apps.py)."""


def register() -> None:
    pass
