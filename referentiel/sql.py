"""Database-side guarantee that a published version of the référentiel never changes.

PostgreSQL: triggers refuse any insert, update or delete of a published version's rows (the version
itself, its categories, its services and their links to publics, formats and standard services), and a
service whose category belongs to another version. SQLite gets the insert and update part (Django's test
flush empties tables with DELETE there; PostgreSQL uses TRUNCATE, which row triggers do not see).
"""

LINK_TABLES = ("referentiel_service_publics", "referentiel_service_formats", "referentiel_service_standard_services")

POSTGRES_INSTALL = """
CREATE OR REPLACE FUNCTION referentiel_version_published(p_version bigint) RETURNS boolean AS $$
    SELECT EXISTS (SELECT 1 FROM referentiel_version WHERE id = p_version AND status = 'published');
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION referentiel_refuse_published_version_change() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'published' THEN
        RAISE EXCEPTION 'référentiel version % is published: % refused', OLD.number, TG_OP
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER referentiel_version_frozen BEFORE UPDATE OR DELETE ON referentiel_version
    FOR EACH ROW EXECUTE FUNCTION referentiel_refuse_published_version_change();

CREATE OR REPLACE FUNCTION referentiel_refuse_row_of_published_version() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        IF referentiel_version_published(OLD.version_id) THEN
            RAISE EXCEPTION 'référentiel: % on % of a published version refused', TG_OP, TG_TABLE_NAME
                USING ERRCODE = 'restrict_violation';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    IF referentiel_version_published(NEW.version_id) THEN
        RAISE EXCEPTION 'référentiel: % on % of a published version refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF TG_TABLE_NAME = 'referentiel_service' THEN
        IF NOT EXISTS (
            SELECT 1 FROM referentiel_category WHERE id = NEW.category_id AND version_id = NEW.version_id
        ) THEN
            RAISE EXCEPTION 'référentiel: the category of service % belongs to another version', NEW.code
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER referentiel_category_frozen BEFORE INSERT OR UPDATE OR DELETE ON referentiel_category
    FOR EACH ROW EXECUTE FUNCTION referentiel_refuse_row_of_published_version();
CREATE TRIGGER referentiel_service_frozen BEFORE INSERT OR UPDATE OR DELETE ON referentiel_service
    FOR EACH ROW EXECUTE FUNCTION referentiel_refuse_row_of_published_version();

CREATE OR REPLACE FUNCTION referentiel_service_published(p_service bigint) RETURNS boolean AS $$
    SELECT EXISTS (
        SELECT 1 FROM referentiel_service s JOIN referentiel_version v ON v.id = s.version_id
         WHERE s.id = p_service AND v.status = 'published'
    );
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION referentiel_refuse_link_of_published_service() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        IF referentiel_service_published(OLD.service_id) THEN
            RAISE EXCEPTION 'référentiel: % on % of a published service refused', TG_OP, TG_TABLE_NAME
                USING ERRCODE = 'restrict_violation';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    IF referentiel_service_published(NEW.service_id) THEN
        RAISE EXCEPTION 'référentiel: % on % of a published service refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
""" + "".join(
    f"""
CREATE TRIGGER {table}_frozen BEFORE INSERT OR UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION referentiel_refuse_link_of_published_service();
"""
    for table in LINK_TABLES
)

POSTGRES_UNINSTALL = (
    "".join(f"DROP TRIGGER IF EXISTS {table}_frozen ON {table};\n" for table in LINK_TABLES)
    + """
DROP TRIGGER IF EXISTS referentiel_service_frozen ON referentiel_service;
DROP TRIGGER IF EXISTS referentiel_category_frozen ON referentiel_category;
DROP TRIGGER IF EXISTS referentiel_version_frozen ON referentiel_version;
DROP FUNCTION IF EXISTS referentiel_refuse_link_of_published_service();
DROP FUNCTION IF EXISTS referentiel_refuse_row_of_published_version();
DROP FUNCTION IF EXISTS referentiel_refuse_published_version_change();
DROP FUNCTION IF EXISTS referentiel_service_published(bigint);
DROP FUNCTION IF EXISTS referentiel_version_published(bigint);
"""
)

_PUBLISHED = "(SELECT status FROM referentiel_version WHERE id = {row}.version_id) = 'published'"
_LINK_PUBLISHED = (
    "(SELECT v.status FROM referentiel_service s JOIN referentiel_version v ON v.id = s.version_id "
    "WHERE s.id = {row}.service_id) = 'published'"
)
_ABORT = "BEGIN SELECT RAISE(ABORT, 'a published version of the référentiel never changes'); END;"

SQLITE_TRIGGERS = {
    "referentiel_version_frozen_update": (
        f"BEFORE UPDATE ON referentiel_version WHEN OLD.status = 'published' {_ABORT}"
    ),
    **{
        f"{table}_frozen_insert": f"BEFORE INSERT ON {table} WHEN {_PUBLISHED.format(row='NEW')} {_ABORT}"
        for table in ("referentiel_category", "referentiel_service")
    },
    **{
        f"{table}_frozen_update": (
            f"BEFORE UPDATE ON {table} WHEN {_PUBLISHED.format(row='OLD')} OR {_PUBLISHED.format(row='NEW')} {_ABORT}"
        )
        for table in ("referentiel_category", "referentiel_service")
    },
    **{
        f"{table}_frozen_insert": f"BEFORE INSERT ON {table} WHEN {_LINK_PUBLISHED.format(row='NEW')} {_ABORT}"
        for table in LINK_TABLES
    },
}


def install(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_INSTALL, params=None)
    elif connection.vendor == "sqlite":
        for name, body in SQLITE_TRIGGERS.items():
            schema_editor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")


def uninstall(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_UNINSTALL, params=None)
    elif connection.vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


def drop_sqlite(apps, schema_editor):
    """SQLite rebuilds a table to alter it, and triggers naming the rebuilt table break: a migration that
    alters a référentiel table starts with this operation and ends with :func:`reinstall_sqlite`.
    PostgreSQL keeps its triggers through ALTER TABLE."""
    if schema_editor.connection.vendor == "sqlite":
        uninstall(apps, schema_editor)


def reinstall_sqlite(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        install(apps, schema_editor)
