"""On PostgreSQL the database itself refuses UPDATE and DELETE on audit entries, so not even raw SQL
from the application can rewrite history (TRUNCATE, used by test flushes and restores, still works)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_auditlog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit log entries are append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_auditlog_append_only ON audit_auditlog;
CREATE TRIGGER audit_auditlog_append_only BEFORE UPDATE OR DELETE ON audit_auditlog
    FOR EACH ROW EXECUTE FUNCTION audit_auditlog_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS audit_auditlog_append_only ON audit_auditlog;
DROP FUNCTION IF EXISTS audit_auditlog_append_only();
"""


def _run(sql):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)  # no client-side % interpolation

    return apply


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_auditlog_settings_validators")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
