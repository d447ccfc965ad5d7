"""Tracked tables and their history triggers.

An app lists what it wants tracked on its AppConfig, so ``accounts`` never imports the apps downstream::

    history_tracked = {
        "Order": {"money": ["total_ttc", ...]},     # every column
        "Cheque": {"fields": ["status"]},           # only these columns
        "BankAccount": {"masked": ["iban"]},        # shown masked unless the reader may see bank details
    }
    # accounts: {"User.groups": {"object": "user"}} tracks the rows of the many-to-many table, filed under
    # the user they belong to.

The triggers are (re)installed after every ``migrate`` (``post_migrate``), from the models as they are then:
a new column of a table tracked whole is tracked at once, and SQLite, which drops a table's triggers when a
migration rebuilds it, gets them back. Nothing is done when the installed version is already current.
"""

import hashlib
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.db import connections, models

HISTORY_TABLE = "accounts_historyentry"
# Who is acting (a user id), set by the application for the current transaction (``accounts.history.actor``).
ACTOR_SETTING = "aptic.actor_id"
SQLITE_ACTOR_FUNCTION = "aptic_history_actor"
_COLUMNS = "table_name, object_id, operation, changes, actor_id, db_user, application"


@dataclass(frozen=True)
class Tracked:
    model: type[models.Model]
    fields: tuple[models.Field, ...]
    object_field: models.Field
    money: frozenset[str]  # names of the fields that hold cents
    masked: frozenset[str]  # names of the fields shown masked to readers who may not see bank details

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    @property
    def columns(self) -> list[str]:
        return [field.column for field in self.fields]


def _tracked(config, name: str, options: dict) -> Tracked:
    model_name, _, m2m = name.partition(".")
    model = config.get_model(model_name)
    if m2m:
        model = model._meta.get_field(m2m).remote_field.through
    names = options.get("fields")
    fields = (
        tuple(model._meta.get_field(field) for field in names)
        if names
        else tuple(field for field in model._meta.concrete_fields if not field.primary_key)
    )
    return Tracked(
        model=model,
        fields=fields,
        object_field=model._meta.get_field(options.get("object", model._meta.pk.name)),
        money=frozenset(options.get("money", ())),
        masked=frozenset(options.get("masked", ())),
    )


@cache
def tracked_tables() -> dict[str, Tracked]:
    """Every tracked table, by table name."""
    found = {}
    for config in apps.get_app_configs():
        for name, options in getattr(config, "history_tracked", {}).items():
            tracked = _tracked(config, name, options)
            found[tracked.table] = tracked
    return found


# --- PostgreSQL ----------------------------------------------------------------------------------------------

_PG_ACTOR = f"NULLIF(current_setting('{ACTOR_SETTING}', true), '')::bigint"
_PG_WHO = "session_user, current_setting('application_name')"


def _pg_object(tracked: Tracked, alias: str) -> str:
    return f"{alias}.{tracked.object_field.column}::text"


def _pg_build(pairs: list[tuple[str, str]]) -> str:
    """jsonb_build_object over (key, value) pairs, in chunks (a function takes at most 100 arguments)."""
    chunks = [pairs[start : start + 40] for start in range(0, len(pairs), 40)] or [[]]
    return " || ".join(
        "jsonb_build_object(" + ", ".join(f"'{key}', {value}" for key, value in chunk) + ")" for chunk in chunks
    )


def _pg_function(tracked: Tracked) -> str:
    table, columns = tracked.table, tracked.columns
    changed = " OR ".join(f'n."{c}" IS DISTINCT FROM o."{c}"' for c in columns)
    update_changes = _pg_build(
        [
            (c, f'CASE WHEN n."{c}" IS DISTINCT FROM o."{c}" THEN jsonb_build_array(o."{c}", n."{c}") END')
            for c in columns
        ]
    )
    insert_changes = _pg_build([(c, f'jsonb_build_array(NULL, n."{c}")') for c in columns])
    delete_changes = _pg_build([(c, f'jsonb_build_array(o."{c}", NULL)') for c in columns])
    return f"""
CREATE OR REPLACE FUNCTION history_{table}() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        INSERT INTO {HISTORY_TABLE} ({_COLUMNS})
        SELECT '{table}', {_pg_object(tracked, "n")}, 'update', jsonb_strip_nulls({update_changes}),
               {_PG_ACTOR}, {_PG_WHO}
          FROM history_new n JOIN history_old o ON o.id = n.id
         WHERE {changed};
    ELSIF TG_OP = 'INSERT' THEN
        INSERT INTO {HISTORY_TABLE} ({_COLUMNS})
        SELECT '{table}', {_pg_object(tracked, "n")}, 'insert', {insert_changes}, {_PG_ACTOR}, {_PG_WHO}
          FROM history_new n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO {HISTORY_TABLE} ({_COLUMNS})
        SELECT '{table}', {_pg_object(tracked, "o")}, 'delete', {delete_changes}, {_PG_ACTOR}, {_PG_WHO}
          FROM history_old o;
    ELSE
        INSERT INTO {HISTORY_TABLE} ({_COLUMNS})
        VALUES ('{table}', '', 'truncate', '{{}}'::jsonb, {_PG_ACTOR}, {_PG_WHO});
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE TRIGGER history_update AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS history_old NEW TABLE AS history_new
    FOR EACH STATEMENT EXECUTE FUNCTION history_{table}();
CREATE OR REPLACE TRIGGER history_insert AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS history_new
    FOR EACH STATEMENT EXECUTE FUNCTION history_{table}();
CREATE OR REPLACE TRIGGER history_delete AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS history_old
    FOR EACH STATEMENT EXECUTE FUNCTION history_{table}();
CREATE OR REPLACE TRIGGER history_truncate AFTER TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION history_{table}();
"""


# --- SQLite --------------------------------------------------------------------------------------------------


def _sqlite_build(pairs: list[tuple[str, str]]) -> str:
    chunks = [pairs[start : start + 40] for start in range(0, len(pairs), 40)] or [[]]
    built = ["json_object(" + ", ".join(f"'{key}', {value}" for key, value in chunk) + ")" for chunk in chunks]
    result = built[0]
    for part in built[1:]:
        result = f"json_patch({result}, {part})"
    return result


def _sqlite_triggers(tracked: Tracked) -> list[tuple[str, str]]:
    table, columns = tracked.table, tracked.columns
    changed = " OR ".join(f'OLD."{c}" IS NOT NEW."{c}"' for c in columns)
    update_changes = (
        "(SELECT json_group_object(k, json(v)) FROM ("
        + " UNION ALL ".join(
            f"""SELECT '{c}' AS k, json_array(OLD."{c}", NEW."{c}") AS v WHERE OLD."{c}" IS NOT NEW."{c}\""""
            for c in columns
        )
        + "))"
    )
    insert_changes = _sqlite_build([(c, f'json_array(NULL, NEW."{c}")') for c in columns])
    delete_changes = _sqlite_build([(c, f'json_array(OLD."{c}", NULL)') for c in columns])
    obj = tracked.object_field.column
    actor = f"{SQLITE_ACTOR_FUNCTION}()"
    insert = f"INSERT INTO {HISTORY_TABLE} ({_COLUMNS}) VALUES"
    return [
        (
            f"history_{table}_update",
            f"""CREATE TRIGGER history_{table}_update AFTER UPDATE ON {table} FOR EACH ROW WHEN {changed}
BEGIN {insert} ('{table}', NEW."{obj}", 'update', {update_changes}, {actor}, '', ''); END""",
        ),
        (
            f"history_{table}_insert",
            f"""CREATE TRIGGER history_{table}_insert AFTER INSERT ON {table} FOR EACH ROW
BEGIN {insert} ('{table}', NEW."{obj}", 'insert', {insert_changes}, {actor}, '', ''); END""",
        ),
        (
            f"history_{table}_delete",
            f"""CREATE TRIGGER history_{table}_delete AFTER DELETE ON {table} FOR EACH ROW
BEGIN {insert} ('{table}', OLD."{obj}", 'delete', {delete_changes}, {actor}, '', ''); END""",
        ),
    ]


# --- Installation -----------------------------------------------------------------------------------------------


def _postgres_install(connection, tables: list[Tracked]) -> None:
    sql = "".join(_pg_function(tracked) for tracked in tables)
    version = hashlib.sha256(sql.encode()).hexdigest()[:16]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT prosrc FROM pg_proc WHERE proname = 'history_installed_version'), "
            "(SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'history\\_%%' AND NOT tgisinternal)"
        )
        source, triggers = cursor.fetchone()
        if source and version in source and triggers == 4 * len(tables):
            return
        cursor.execute(
            sql + f"CREATE OR REPLACE FUNCTION history_installed_version() RETURNS text AS $$ SELECT '{version}' $$ "
            "LANGUAGE sql IMMUTABLE;"
        )


def _sqlite_install(connection, tables: list[Tracked]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'history_%'")
        installed = dict(cursor.fetchall())
        for tracked in tables:
            for name, sql in _sqlite_triggers(tracked):
                if installed.get(name) != sql:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                    cursor.execute(sql)


def history_install(*, using: str = "default") -> None:
    """Install or refresh the history triggers of every tracked table that exists in the database."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    if HISTORY_TABLE not in existing:
        return
    tables = [tracked for table, tracked in sorted(tracked_tables().items()) if table in existing]
    if connection.vendor == "postgresql":
        _postgres_install(connection, tables)
    elif connection.vendor == "sqlite":
        _sqlite_install(connection, tables)


def history_install_after_migrate(sender, using="default", **kwargs):
    """post_migrate: runs once, after the last app (every tracked table exists by then)."""
    if sender.label == "accounts":
        history_install(using=using)
