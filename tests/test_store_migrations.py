"""Migrations: empty to head, the result equals models.py, down and up again, shipped in the wheel."""

from __future__ import annotations

import ast
import shutil
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from isobpmn.store import Base, MigrationError, current, head, schema_differences, upgrade
from isobpmn.store import migrate

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "isobpmn"
MIGRATIONS = PACKAGE / "store" / "migrations"
TABLES = set(Base.metadata.tables)


def _tables(database) -> set[str]:
    return set(inspect(database.engine).get_table_names()) - {"alembic_version"}


def test_empty_database_upgrades_to_head(empty_database):
    assert current(empty_database) is None
    assert _tables(empty_database) == set()
    result = upgrade(empty_database)
    assert (result.before, result.after) == (None, head())
    assert current(empty_database) == head()
    assert _tables(empty_database) == TABLES


def test_upgrade_at_head_changes_nothing(database):
    result = upgrade(database)
    assert result.before == result.after == head()


def test_migrated_schema_matches_the_models(database):
    assert schema_differences(database) == []


def test_the_comparison_sees_drift(database):
    with database.engine.begin() as connection:
        connection.execute(text("DROP INDEX ix_events_actor_id"))
    differences = schema_differences(database)
    assert [(d[0], d[1].name) for d in differences] == [("add_index", "ix_events_actor_id")]


def test_check_constraints_match_the_models(database):
    inspector = inspect(database.engine)
    for table in Base.metadata.sorted_tables:
        model = {c.name: str(c.sqltext) for c in table.constraints
                 if c.__class__.__name__ == "CheckConstraint"}
        found = {c["name"]: c["sqltext"] for c in inspector.get_check_constraints(table.name)}
        assert set(found) == set(model), table.name
        if database.dialect == "sqlite":  # PostgreSQL rewrites the expression text
            assert found == model, table.name


def test_partial_indexes_match_the_models(database):
    """compare_metadata ignores index predicates; check them here."""
    inspector = inspect(database.engine)
    option = f"{database.dialect}_where"
    for table in Base.metadata.sorted_tables:
        model = {index.name: str(index.dialect_options[database.dialect]["where"])
                 for index in table.indexes
                 if index.dialect_options[database.dialect]["where"] is not None}
        found = {index["name"]: str(index["dialect_options"][option])
                 for index in inspector.get_indexes(table.name)
                 if index.get("dialect_options", {}).get(option) is not None}
        assert set(found) == set(model), table.name
        if database.dialect == "sqlite":  # PostgreSQL rewrites the expression text
            assert found == model, table.name


def test_downgrade_to_base_and_up_again(database):
    result = migrate.downgrade(database, "base")
    assert (result.before, result.after) == (head(), None)
    assert _tables(database) == set()
    upgrade(database)
    assert schema_differences(database) == []


def test_postgresql_triggers_are_installed(database):
    if database.dialect != "postgresql":
        pytest.skip("postgresql only")
    with database.engine.connect() as connection:
        names = set(connection.scalars(text(
            "SELECT tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE c.relnamespace = current_schema()::regnamespace AND NOT tgisinternal")))
    assert names == {"events_append_only", "events_no_truncate", "procedure_versions_frozen"}


def test_unknown_revision_is_an_error(empty_database):
    with pytest.raises(MigrationError, match="cannot upgrade to '9999'"):
        upgrade(empty_database, "9999")
    assert current(empty_database) is None


def test_every_foreign_key_is_indexed():
    for table in Base.metadata.sorted_tables:
        leading = {tuple(c.name for c in index.columns) for index in table.indexes}
        leading |= {tuple(c.name for c in constraint.columns) for constraint in table.constraints
                    if constraint.__class__.__name__ in ("UniqueConstraint",
                                                         "PrimaryKeyConstraint")}
        for fk in table.foreign_key_constraints:
            columns = tuple(c.name for c in fk.columns)
            assert any(cols[:len(columns)] == columns for cols in leading), (
                f"{table.name}.{columns} is a foreign key without an index")


def test_revisions_are_frozen_snapshots():
    """A revision never imports the models: it must keep creating what it created."""
    for path in (MIGRATIONS / "versions").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
        imported += [a.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                     for a in node.names]
        assert not [m for m in imported if m and m.startswith("isobpmn")], path.name


def test_migrations_are_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["isobpmn"]
    for path in MIGRATIONS.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            relative = path.relative_to(PACKAGE).as_posix()
            assert any(fnmatch(relative, p) for p in patterns), f"{relative} would not ship"


def test_new_revision_drafts_the_next_number(tmp_path):
    scripts = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    draft = migrate.new_revision("add nothing", script_location=str(scripts))
    number = int(migrate.head())
    assert draft.name == f"{number + 1:04d}_add_nothing.py"
    source = draft.read_text(encoding="utf-8")
    assert f"down_revision = '{number:04d}'" in source and "pass" in source
    ast.parse(source)


def _revisions() -> list[str]:
    """The shipped revisions, oldest first."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def _counts(database) -> dict[str, int]:
    with database.engine.connect() as connection:
        return {table: connection.scalar(text(f'SELECT count(*) FROM "{table}"'))
                for table in sorted(_tables(database))}


def test_empty_database_upgrades_one_revision_at_a_time(empty_database):
    """What a database created by each earlier release went through."""
    before = None
    for revision in _revisions():
        result = upgrade(empty_database, revision)
        assert (result.before, result.after) == (before, revision)
        before = revision
    assert before == head()
    assert schema_differences(empty_database) == []


#: Revisions whose downgrade SQLite refuses while dossiers exist: it rebuilds a table the
#: dossiers reference (batch mode: copy, drop, rename) and foreign keys are on. The refusal
#: rolls back whole. PostgreSQL alters tables in place and goes down to the first revision.
SQLITE_NO_DOWNGRADE_WITH_DATA = {"0002"}  # 0002 -> 0001 rebuilds agencies


def test_every_earlier_revision_with_data_upgrades_to_head(database):
    """Down to each earlier revision with a working province in it, then up to head: what the
    earlier revision held is all still there, the audit log's chains still verify, the schema
    equals the models (each revision's own upgrade is checked from empty, above)."""
    from fixtures_services import AGENCY, HKD_HAPPY, HO_KINH_DOANH, TUESDAY, ready, seed
    from sqlalchemy.exc import IntegrityError

    from isobpmn.engine import ManualClock
    from isobpmn.services import Services

    services = Services(database, ManualClock(TUESDAY))
    seed(services, procedures=(HO_KINH_DOANH,))
    code = services.receive_dossier(HO_KINH_DOANH, AGENCY, "Nguyễn Văn An",
                                    actor="motcua").case_code
    step, actor, data = HKD_HAPPY[0]
    services.complete_task(ready(services, code, step).id, actor, data)
    services.create_api_token("motcua", "cổng dịch vụ công")
    revisions = _revisions()
    assert len(revisions) > 1, "only one revision: nothing to upgrade from"
    reached = []
    for below in reversed(revisions[:-1]):
        undone = set(revisions[revisions.index(below) + 1:])  # their downgrades run
        if database.dialect == "sqlite" and undone & SQLITE_NO_DOWNGRADE_WITH_DATA:
            with pytest.raises(IntegrityError, match="FOREIGN KEY"):
                migrate.downgrade(database, below)
            assert current(database) == head()
            break
        assert migrate.downgrade(database, below).after == below
        kept = _counts(database)
        assert kept["cases"] == 1 and kept["events"] > 0 and kept["users"] > 0
        result = upgrade(database)
        assert (result.before, result.after) == (below, head())
        after = _counts(database)
        assert {table: after[table] for table in kept} == kept, below
        reached.append(below)
    assert schema_differences(database) == []
    assert services.verify_audit().ok
    assert services.case_view(code).code == code
    assert reached[-1] == ("0002" if database.dialect == "sqlite" else revisions[0])
