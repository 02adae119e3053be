"""Trigram indexes for fuzzy name search, on PostgreSQL only (SQLite searches in Python)."""

from typing import Any

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS people_personname_full_trgm
    ON people_personname USING gin (full_name_norm gin_trgm_ops);
"""
DROP = "DROP INDEX IF EXISTS people_personname_full_trgm;"


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("people", "0002_search_keys")]
    operations = [migrations.RunPython(create, drop)]
