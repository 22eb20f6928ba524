"""The fast SQL path: the few places that bypass `Session.execute`, and the engine they run on.

Everything else in fieldapp goes through the ORM session (`db.session.execute`, `scalars`).
These modules skip its per-statement bookkeeping where it was measured to matter
(benchmarks/README.md), still building every statement with Core and converting every value
with the column types' own processors, tested on both databases (tests/functional/
test_direct_sql.py, api/test_knock_round_trips.py):

- `engine`: the app's engine options, its per-connection settings (SQLite pragmas, PostgreSQL
  UTC, a ping after a rest: `attach_listeners`, called by create_app for the app's engine
  only), and `statements_connection`/`begin_writes` (a bare Core connection, autocommitting on
  PostgreSQL).
- `compiled`: compile once, bind by hand: the one implementation of both paths below.
- `direct`: `DirectStatement`, a statement run on the driver's cursor.
- `bulk`: `insert_many` (executemany of big batches) and `key_in` (IN as one array).
- `pg_unnest`: PostgreSQL batches as INSERT ... SELECT FROM unnest(one array per column).

It knows no domain (only SQLAlchemy and the drivers). The modules allowed to import it, and why
(an import contract forbids the rest):

- `fieldapp/__init__.py`: the engine's options and listeners.
- `fieldapp/api/auth.py`: an `on_connection` view's bare Core connection (the single knock:
  its transaction and session cost 0.05 ms a request); it also runs with
  `api/spare_hooks.py`, which skips the app-wide hooks an API request has no use for.
- `fieldapp/auth/api_callers.py`: the API caller's token or login session, one
  `DirectStatement` per request.
- `fieldapp/canvass/knock_sql.py`, `knock_store.py`, `knocks.py`: the knock path's statements
  (`DirectStatement`), its batches (`pg_unnest`), its transactions (`begin_writes`).
- `fieldapp/voters/imports/writer.py`: a voter file's batches (`insert_many`, `key_in`).
"""
