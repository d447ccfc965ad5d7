"""Who is acting, handed to the history triggers.

The application knows the person (a request's user, or ``history_actor(user)`` around other work); the
database triggers read it:

- PostgreSQL: before the first write statement of a database transaction, ``set_config('aptic.actor_id', …,
  true)`` runs in that transaction (a write outside ``atomic`` gets its own short transaction for the two).
  The setting is transaction-local, so it can never leak to another request through a pooled connection.
- SQLite: the triggers call ``aptic_history_actor()``, a function registered on every connection the
  application opens. A tool that writes to a tracked table without it (the ``sqlite3`` shell) is refused:
  on SQLite, history-tracked tables are written by the application only.

With nobody set (a Celery task, a management command, raw SQL), the history shows the database role and the
program that wrote the row instead of a person.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.db.backends.signals import connection_created

from accounts.history.tracking import ACTOR_SETTING, SQLITE_ACTOR_FUNCTION

# A callable returning the acting user's id (or None), evaluated lazily at the first write.
_current_actor: ContextVar = ContextVar("aptic_history_actor", default=None)

_WRITES = ("INSERT", "UPDATE", "DELETE", "WITH", "MERGE")
_SET_ACTOR = f"SELECT set_config('{ACTOR_SETTING}', %s, true)"


def current_actor_id() -> int | None:
    resolve = _current_actor.get()
    return resolve() if resolve is not None else None


@contextmanager
def history_actor(user):
    """Attribute the history written inside the block to ``user`` (tasks, commands, tests)."""
    token = _current_actor.set(lambda: user.pk if user is not None else None)
    try:
        yield
    finally:
        _current_actor.reset(token)


# Once per database transaction is enough: a no-op on-commit callback marks it. Django drops the callbacks of a
# savepoint rolled back, exactly as PostgreSQL reverts the setting made in it, and clears them all at the end of
# the transaction; so the mark is there exactly as long as the setting is.
def _already_set(connection, actor: int) -> bool:
    """Whether the setting in force in this transaction is ``actor`` (the last mark left is the one in force)."""
    for _ids, callback, _robust in reversed(connection.run_on_commit):
        if hasattr(callback, "history_actor"):
            return callback.history_actor == actor
    return False


def _mark_set(connection, actor: int) -> None:
    def mark():
        pass

    mark.history_actor = actor
    connection.on_commit(mark)


def _postgres_actor_wrapper(execute, sql, params, many, context):
    if not isinstance(sql, str) or not sql.lstrip()[:6].upper().startswith(_WRITES):
        return execute(sql, params, many, context)
    actor = current_actor_id()
    if actor is None:
        return execute(sql, params, many, context)
    connection, raw_cursor = context["connection"], context["cursor"].cursor
    if connection.in_atomic_block:
        if not _already_set(connection, actor):
            raw_cursor.execute(_SET_ACTOR, [str(actor)])
            _mark_set(connection, actor)
        return execute(sql, params, many, context)
    with transaction.atomic(using=connection.alias):
        raw_cursor.execute(_SET_ACTOR, [str(actor)])
        return execute(sql, params, many, context)


def install_on_connection(sender, connection, **kwargs):
    """connection_created: give every new database connection what the triggers need."""
    if connection.vendor == "postgresql":
        if _postgres_actor_wrapper not in connection.execute_wrappers:
            connection.execute_wrappers.append(_postgres_actor_wrapper)
    elif connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_ACTOR_FUNCTION, 0, current_actor_id, deterministic=False)


def connect() -> None:
    connection_created.connect(install_on_connection, dispatch_uid="accounts.history.actor")


class HistoryActorMiddleware:
    """The person behind a request is the author of the history it writes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        def resolve():
            user = getattr(request, "user", None)
            return user.pk if user is not None and user.is_authenticated else None

        token = _current_actor.set(resolve)
        try:
            return self.get_response(request)
        finally:
            _current_actor.reset(token)
