"""Database-side guarantees of the journal (PostgreSQL triggers; SQLite gets the append-only part)."""

POSTGRES_INSTALL = """
CREATE OR REPLACE FUNCTION ledger_check_transaction_balanced() RETURNS trigger AS $$
DECLARE
    total bigint;
    lines integer;
BEGIN
    SELECT COALESCE(SUM(amount), 0), COUNT(*) INTO total, lines
      FROM ledger_leg WHERE transaction_id = NEW.transaction_id;
    IF total <> 0 THEN
        RAISE EXCEPTION 'ledger transaction % is unbalanced: legs sum to % cents', NEW.transaction_id, total
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER ledger_leg_balanced
    AFTER INSERT ON ledger_leg
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_check_transaction_balanced();

CREATE OR REPLACE FUNCTION ledger_check_transaction_has_legs() RETURNS trigger AS $$
BEGIN
    IF (SELECT COUNT(*) FROM ledger_leg WHERE transaction_id = NEW.id) < 2 THEN
        RAISE EXCEPTION 'ledger transaction % has fewer than two legs', NEW.id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER ledger_transaction_has_legs
    AFTER INSERT ON ledger_transaction
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_check_transaction_has_legs();

CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_leg_append_only BEFORE UPDATE OR DELETE ON ledger_leg
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_transaction_append_only BEFORE UPDATE OR DELETE ON ledger_transaction
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
"""

POSTGRES_UNINSTALL = """
DROP TRIGGER IF EXISTS ledger_transaction_append_only ON ledger_transaction;
DROP TRIGGER IF EXISTS ledger_leg_append_only ON ledger_leg;
DROP TRIGGER IF EXISTS ledger_transaction_has_legs ON ledger_transaction;
DROP TRIGGER IF EXISTS ledger_leg_balanced ON ledger_leg;
DROP FUNCTION IF EXISTS ledger_refuse_change();
DROP FUNCTION IF EXISTS ledger_check_transaction_has_legs();
DROP FUNCTION IF EXISTS ledger_check_transaction_balanced();
"""

# SQLite: updates only (Django's test flush empties tables with DELETE there; PostgreSQL uses TRUNCATE).
SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS ledger_{table}_no_update BEFORE UPDATE ON ledger_{table}
        BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;"""
    for table in ("leg", "transaction")
]

SQLITE_UNINSTALL = [f"DROP TRIGGER IF EXISTS ledger_{table}_no_update;" for table in ("leg", "transaction")]


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


# Migration 0003. A transaction is sealed with the database transaction that wrote it: a balanced pair of legs
# appended later (an old transaction "completed" by raw SQL) is refused, and so is TRUNCATE, which row triggers
# do not see. ``created_txid`` is stamped by the database, whatever the INSERT says.
POSTGRES_SEAL = """
CREATE OR REPLACE FUNCTION ledger_stamp_transaction() RETURNS trigger AS $$
BEGIN
    NEW.created_txid := txid_current();
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_transaction_stamp BEFORE INSERT ON ledger_transaction
    FOR EACH ROW EXECUTE FUNCTION ledger_stamp_transaction();

CREATE OR REPLACE FUNCTION ledger_refuse_late_legs() RETURNS trigger AS $$
DECLARE
    late bigint;
BEGIN
    SELECT l.transaction_id INTO late FROM ledger_new_legs l JOIN ledger_transaction t ON t.id = l.transaction_id
     WHERE t.created_txid IS DISTINCT FROM txid_current() LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ledger transaction % was written by another database transaction: no leg can be added',
            late USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_leg_same_database_transaction AFTER INSERT ON ledger_leg
    REFERENCING NEW TABLE AS ledger_new_legs
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_late_legs();

CREATE TRIGGER ledger_leg_no_truncate BEFORE TRUNCATE ON ledger_leg
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_transaction_no_truncate BEFORE TRUNCATE ON ledger_transaction
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
"""

POSTGRES_UNSEAL = """
DROP TRIGGER IF EXISTS ledger_leg_no_truncate ON ledger_leg;
DROP TRIGGER IF EXISTS ledger_transaction_no_truncate ON ledger_transaction;
DROP TRIGGER IF EXISTS ledger_leg_same_database_transaction ON ledger_leg;
DROP TRIGGER IF EXISTS ledger_transaction_stamp ON ledger_transaction;
DROP FUNCTION IF EXISTS ledger_refuse_late_legs();
DROP FUNCTION IF EXISTS ledger_stamp_transaction();
"""


def seal(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_SEAL, params=None)


def unseal(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_UNSEAL, params=None)
