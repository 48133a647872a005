"""docs/engine.md names every public part of the engine, and its figures are the code's."""

from __future__ import annotations

from conftest import ROOT

import isobpmn.engine as engine
from isobpmn.engine import errors, limits, runtime, script_engine, specs

DOC = (ROOT / "docs" / "engine.md").read_text(encoding="utf-8")


def test_every_public_name_is_documented():
    for name in engine.__all__:
        assert f"`{name}" in DOC or f"{name}(" in DOC, f"{name} is not in docs/engine.md"


def test_every_error_is_in_the_table():
    for name in errors.__all__:
        assert f"| `{name}` |" in DOC, f"{name} has no row in the errors table of docs/engine.md"


def test_the_limits_in_the_docs_are_the_codes():
    for figure in (f"{limits.MAX_ITEMS:,}", f"{limits.MAX_STEPS:,}", f"{limits.MAX_CHANGE_STEPS:,}",
                   f"{limits.MAX_STORED:,}", f"{script_engine.MAX_INSTANCES:,}",
                   f"{runtime.MAX_AUTOMATIC_STEPS}", f"{runtime.MAX_CASE_DEPTH}",
                   f"{specs.DEFAULT_CACHE_SIZE}", f'"format_version": {engine.FORMAT_VERSION}'):
        assert figure in DOC, f"{figure} is not in docs/engine.md"
