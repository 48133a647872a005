"""The alembic environment of isobpmn, shipped inside the package (no alembic.ini).

:mod:`isobpmn.store.migrate` builds the configuration in code and passes an open connection
in ``config.attributes["connection"]``; the whole upgrade then runs in that connection's
transaction (PostgreSQL and SQLite both have transactional DDL). Without one (a developer
calling alembic's API directly), the URL comes from the ``sqlalchemy.url`` option or the
usual ``ISOBPMN_DATABASE_URL`` / SQLite default.
"""

from __future__ import annotations

from alembic import context

from isobpmn.store.db import make_engine
from isobpmn.store.models import Base


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        compare_type=True,
        # SQLite cannot ALTER most things: autogenerate drafts batch (copy-and-move) operations.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("isobpmn migrations run online only (isobpmn db upgrade)")

_connection = context.config.attributes.get("connection")
if _connection is not None:
    _run(_connection)
else:
    _engine = make_engine(context.config.get_main_option("sqlalchemy.url") or None)
    try:
        with _engine.begin() as _conn:
            _run(_conn)
    finally:
        _engine.dispose()
