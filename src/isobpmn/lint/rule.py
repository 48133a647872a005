"""Rules: one module per rule under ``lint/rules/``, registered by the :func:`rule` decorator.

A rule is a function ``check(ctx)`` yielding :class:`Report` values, plus metadata. Its
documentation is the module docstring, written in fixed sections (What it checks, Why it
matters, Example, How to fix, optional Options); ``docs/rules/<id>.md`` and
``isobpmn validate --explain <id>`` are generated from it. Built-in rules and plugin rules
register the same way: importing the module runs the decorator.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from isobpmn.lint.finding import Severity

RULE_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
CATEGORIES = ("correctness", "executability", "iso")
#: Where a rule's page is, relative to the isobpmn source tree. ``ISOBPMN_DOCS_URL`` (or the
#: config key ``docs_url``) replaces it with an absolute template for links that work anywhere.
DOCS_URL = "docs/rules/{id}.md"
DOCS_URL_ENV = "ISOBPMN_DOCS_URL"
SECTIONS = ("What it checks", "Why it matters", "Example", "How to fix")


@dataclass(frozen=True, slots=True)
class Report:
    """What a rule says about one element. ``line`` defaults to the element's line."""

    bpmn_id: str | None
    message: str
    line: int | None = None
    severity: Severity | None = None  # a rule may lower or raise one report (e.g. "far below")


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    severity: Severity
    summary: str
    check: Callable[[Any], Iterable[Report]]
    presets: frozenset[str] = frozenset()
    options: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    docs: str = ""
    module: str = ""

    @property
    def help_uri(self) -> str:
        """Link to the rule's page, from ``ISOBPMN_DOCS_URL`` or the relative default."""
        return docs_url_template().format(id=self.id)


def docs_url_template(configured: str = "") -> str:
    """The rule-page template: ``$ISOBPMN_DOCS_URL``, else ``configured`` (the config's
    ``docs_url``), else the relative :data:`DOCS_URL`."""
    return os.environ.get(DOCS_URL_ENV) or configured or DOCS_URL


_REGISTRY: dict[str, Rule] = {}


def rule(*, id: str, category: str, severity: str, summary: str,
         presets: Iterable[str] = (), options: Mapping[str, Any] | None = None):
    """Register ``check`` as a rule. The calling module's docstring is its documentation."""
    if not RULE_ID.match(id):
        raise ValueError(f"rule id {id!r} must be kebab-case")
    if category not in CATEGORIES:
        raise ValueError(f"rule {id}: category must be one of {CATEGORIES}")

    def register(check: Callable[[Any], Iterable[Report]]):
        module = sys.modules.get(check.__module__)
        docs = (module.__doc__ or "") if module else ""
        if id in _REGISTRY and _REGISTRY[id].module != check.__module__:
            raise ValueError(f"rule {id} is registered twice ({_REGISTRY[id].module}, {check.__module__})")
        _SORTED.clear()
        _REGISTRY[id] = Rule(id=id, category=category, severity=Severity.parse(severity),
                             summary=summary, check=check, presets=frozenset(presets),
                             options=MappingProxyType(dict(options or {})), docs=docs.strip(),
                             module=check.__module__)
        return check

    return register


_LOADED = False
_SORTED: dict[str, Rule] = {}  # the registry in id order; rebuilt after a registration


def all_rules() -> Mapping[str, Rule]:
    """Every registered rule, built-ins first loaded from ``isobpmn.lint.rules``."""
    global _LOADED
    if not _LOADED:
        from isobpmn.lint import rules as package

        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
            importlib.import_module(f"{package.__name__}.{info.name}")
        _LOADED = True
    if len(_SORTED) != len(_REGISTRY):  # sorted once, not for every linted file
        _SORTED.clear()
        _SORTED.update(sorted(_REGISTRY.items()))
    return MappingProxyType(_SORTED)


def load_plugin(module_name: str) -> None:
    """Import a plugin module; its ``@rule`` functions register like the built-ins."""
    importlib.import_module(module_name)
