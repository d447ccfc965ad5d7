"""History of the rows that matter (orders, cheque statuses, qualifications, fee rates, payouts, bank accounts,
staff rights), kept by database triggers so that bulk updates and raw SQL are recorded like everything else.

- ``tracking``: which tables and columns are tracked (each app declares ``history_tracked`` on its
  AppConfig), and the triggers, installed after every ``migrate`` (PostgreSQL: statement-level triggers
  with transition tables, one set-based INSERT per statement; SQLite: row triggers).
- ``actor``: who is acting, handed to the triggers (a transaction-local setting on PostgreSQL, a function
  on SQLite).
- ``display``: the history in French for staff (admin "Historique" pages).
"""
