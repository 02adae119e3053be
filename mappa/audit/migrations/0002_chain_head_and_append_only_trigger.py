"""Create the chain head row and, on PostgreSQL, a trigger that refuses UPDATE and DELETE.

The trigger stops anyone using the application's database role from rewriting history even
with raw SQL; the model refuses the same on every database. (A superuser can still disable the
trigger: `mappa audit verify` is what catches that.)
"""

from typing import Any

from django.db import migrations

GENESIS_HASH = "0" * 64

CREATE_TRIGGER = """
CREATE OR REPLACE FUNCTION audit_event_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_event_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change();
"""

DROP_TRIGGER = """
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_refuse_change();
"""


def create_head(apps: Any, schema_editor: Any) -> None:
    apps.get_model("audit", "AuditChainHead").objects.get_or_create(
        id=1, defaults={"sequence": 0, "hash": GENESIS_HASH}
    )


def add_trigger(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        # params=None: sent as is. With parameters (the default) the "%" RAISE uses for its
        # argument would be taken for a placeholder and the migration would fail.
        schema_editor.execute(CREATE_TRIGGER, params=None)


def remove_trigger(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGER, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(create_head, migrations.RunPython.noop),
        migrations.RunPython(add_trigger, remove_trigger),
    ]
