"""Database-side guarantees of the audit log and the history (migration 0003).

- ``accounts_auditevent`` and ``accounts_historyentry`` are append-only like the ledger. PostgreSQL refuses
  UPDATE and DELETE (row triggers) and TRUNCATE (a statement trigger). SQLite refuses UPDATE (Django's test
  flush empties its tables with DELETE; SQLite has no TRUNCATE).
- Every entry of the Django admin's log (``django_admin_log``: each add, change and delete made through any
  ModelAdmin, bulk deletions included) is copied into the audit log by a trigger, so no admin class can
  leave the audit log out.
"""

APPEND_ONLY_TABLES = ("accounts_auditevent", "accounts_historyentry")

POSTGRES_INSTALL = (
    """
CREATE OR REPLACE FUNCTION accounts_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
"""
    + "".join(
        f"""
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION accounts_refuse_change();
CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION accounts_refuse_change();
"""
        for table in APPEND_ONLY_TABLES
    )
    + """
CREATE OR REPLACE FUNCTION accounts_audit_admin_log() RETURNS trigger AS $$
DECLARE
    label text;
BEGIN
    SELECT app_label || '.' || model INTO label FROM django_content_type WHERE id = NEW.content_type_id;
    INSERT INTO accounts_auditevent (created_at, actor_id, action, target_type, target_id, data)
    VALUES (
        NEW.action_time,
        NEW.user_id,
        'admin.' || CASE NEW.action_flag WHEN 1 THEN 'added' WHEN 2 THEN 'changed' ELSE 'deleted' END,
        COALESCE(label, ''),
        LEFT(COALESCE(NEW.object_id, ''), 64),
        jsonb_build_object('object', NEW.object_repr, 'change_message', NEW.change_message, 'admin_log_id', NEW.id)
    );
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER django_admin_log_to_audit AFTER INSERT ON django_admin_log
    FOR EACH ROW EXECUTE FUNCTION accounts_audit_admin_log();
"""
)

POSTGRES_UNINSTALL = (
    "DROP TRIGGER IF EXISTS django_admin_log_to_audit ON django_admin_log;\n"
    + "".join(
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};\n"
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};\n"
        for table in APPEND_ONLY_TABLES
    )
    + "DROP FUNCTION IF EXISTS accounts_audit_admin_log();\nDROP FUNCTION IF EXISTS accounts_refuse_change();\n"
)

SQLITE_INSTALL = [
    *(
        f"""CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table}
            BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;"""
        for table in APPEND_ONLY_TABLES
    ),
    """CREATE TRIGGER IF NOT EXISTS django_admin_log_to_audit AFTER INSERT ON django_admin_log
        BEGIN
            INSERT INTO accounts_auditevent (created_at, actor_id, action, target_type, target_id, data)
            VALUES (
                NEW.action_time,
                NEW.user_id,
                'admin.' || CASE NEW.action_flag WHEN 1 THEN 'added' WHEN 2 THEN 'changed' ELSE 'deleted' END,
                COALESCE(
                    (SELECT app_label || '.' || model FROM django_content_type WHERE id = NEW.content_type_id), ''
                ),
                substr(COALESCE(NEW.object_id, ''), 1, 64),
                json_object('object', NEW.object_repr, 'change_message', NEW.change_message, 'admin_log_id', NEW.id)
            );
        END;""",
]

SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS django_admin_log_to_audit;",
    *(f"DROP TRIGGER IF EXISTS {table}_no_update;" for table in APPEND_ONLY_TABLES),
]


def install(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_INSTALL, params=None)
    elif connection.vendor == "sqlite":
        for statement in SQLITE_INSTALL:
            schema_editor.execute(statement)


def uninstall(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_UNINSTALL, params=None)
    elif connection.vendor == "sqlite":
        for statement in SQLITE_UNINSTALL:
            schema_editor.execute(statement)
