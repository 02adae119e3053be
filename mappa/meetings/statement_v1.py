"""The first confidentiality statement's text, shared by the demo with migration 0002.

Migrations are frozen, so 0002 keeps its own copy; this one lets the demo publish the statement
again where a test database's flush has removed it.
"""

import importlib

TITLE = "Confidentiality and diversity statement"
TEXT: str = importlib.import_module("mappa.meetings.migrations.0002_confidentiality_statement_v1").TEXT
