"""Validator configuration: presets, per-rule severity and options, overrides, catalogues.

Read from ``.isobpmnrc`` (TOML) or ``[tool.isobpmn.validate]`` in ``pyproject.toml``, found by
searching upward from each validated file (docs/validate.md). Presets are data derived from the
rules' own metadata, so ``strict`` ("all") cannot drift from the rule list. Every key accepted
here is listed in :data:`KEYS`; a test checks that docs/validate.md explains each one.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from isobpmn.lint.finding import Severity
from isobpmn.lint.globs import glob_regex
from isobpmn.lint.rule import Rule, all_rules, load_plugin

PRESETS = ("correctness", "recommended", "strict", "tthc")
DEFAULT_EXTENDS = ("recommended",)
CONFIG_NAMES = (".isobpmnrc", "pyproject.toml")
PYPROJECT_TABLE = "[tool.isobpmn.validate]"
DEFAULT_CODE_PATTERN = r"^QT-[A-Z0-9]+(-[A-Z0-9]+)*$"

TOP_KEYS = ("extends", "rules", "overrides", "catalogue", "document", "plugins", "docs_url")
OVERRIDE_KEYS = ("files", "extends", "rules")
CATALOGUE_KEYS = ("roles", "forms")
DOCUMENT_KEYS = ("code_pattern",)
#: Every key a config file may hold, dotted; ``<rule-id>`` and ``<option>`` stand for names.
KEYS = (
    *TOP_KEYS,
    "rules.<rule-id>", "rules.<rule-id>.severity", "rules.<rule-id>.<option>",
    *(f"overrides.{k}" for k in OVERRIDE_KEYS),
    *(f"catalogue.{k}" for k in CATALOGUE_KEYS),
    *(f"document.{k}" for k in DOCUMENT_KEYS),
)


class ConfigError(ValueError):
    """A configuration that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class RuleSetting:
    severity: Severity
    options: Mapping[str, Any]


@dataclass(frozen=True)
class Catalogue:
    """Known role codes and form codes; empty means "not checked"."""

    roles: frozenset[str] = frozenset()
    forms: frozenset[str] = frozenset()


@dataclass(frozen=True)
class LintConfig:
    """The effective configuration for one file."""

    rules: Mapping[str, RuleSetting]
    catalogue: Catalogue = field(default_factory=Catalogue)
    code_pattern: str = DEFAULT_CODE_PATTERN
    source: str = "(defaults)"
    docs_url: str = ""  # template for rule documentation links, "" = the built-in default

    def setting(self, rule_id: str) -> RuleSetting:
        return self.rules[rule_id]

    def enabled(self) -> tuple[str, ...]:
        """The ids of the rules this config switches on."""
        return tuple(rid for rid, s in self.rules.items() if s.severity is not Severity.OFF)


def preset_severities(name: str) -> dict[str, Severity]:
    """What a preset turns on, from the rules' metadata."""
    rules = all_rules()
    if name == "strict":
        return {r.id: r.severity for r in rules.values()}
    if name == "correctness":
        return {r.id: r.severity for r in rules.values() if r.category == "correctness"}
    if name in ("recommended", "tthc"):
        return {r.id: r.severity for r in rules.values() if name in r.presets}
    raise ConfigError(f"unknown preset {name!r}; use one of: {', '.join(PRESETS)}")


def default_config() -> LintConfig:
    return build_config({}, "(defaults)")


def build_config(data: Mapping[str, Any], source: str, file: Path | None = None,
                 root: Path | None = None) -> LintConfig:
    """The effective config of ``data`` (a parsed config table) for ``file`` under ``root``.

    Every value is checked, including overrides that do not apply to ``file``, so a mistake is
    reported whichever file is validated first.
    """
    _known_keys(data, TOP_KEYS, source, "")
    for plugin in _list(data.get("plugins", []), source, "plugins"):
        try:
            load_plugin(plugin)
        except ImportError as exc:
            raise ConfigError(f"{source}: plugins: cannot import {plugin!r}: {exc}") from None
    rules = all_rules()
    severities: dict[str, Severity] = {rule_id: Severity.OFF for rule_id in rules}
    options: dict[str, dict[str, Any]] = {rule_id: dict(r.options) for rule_id, r in rules.items()}
    _apply(data, source, rules, severities, options, DEFAULT_EXTENDS)
    matching = _matching_overrides(data, source, file, root)
    for index, override in enumerate(_overrides(data, source)):
        where = f"{source}: overrides[{index}]"
        if index in matching:
            _apply(override, where, rules, severities, options)
        else:  # checked all the same
            _apply(override, where, rules, dict(severities), {k: dict(v) for k, v in options.items()})
    catalogue_data = _table(data.get("catalogue", {}), source, "catalogue")
    _known_keys(catalogue_data, CATALOGUE_KEYS, source, "catalogue.")
    catalogue = Catalogue(
        roles=frozenset(_list(catalogue_data.get("roles", []), source, "catalogue.roles")),
        forms=frozenset(_list(catalogue_data.get("forms", []), source, "catalogue.forms")),
    )
    document = _table(data.get("document", {}), source, "document")
    _known_keys(document, DOCUMENT_KEYS, source, "document.")
    pattern = document.get("code_pattern", DEFAULT_CODE_PATTERN)
    try:
        if not isinstance(pattern, str):
            raise TypeError("it is not a string")
        re.compile(pattern)
    except (re.error, TypeError) as exc:
        raise ConfigError(f"{source}: document.code_pattern {pattern!r} is not a regular "
                          f"expression: {exc}") from None
    docs_url = _docs_url(data.get("docs_url", ""), source)
    settings = {rid: RuleSetting(severities[rid], MappingProxyType(options[rid])) for rid in rules}
    return LintConfig(MappingProxyType(settings), catalogue, pattern, source, docs_url)


def _known_keys(data: Mapping[str, Any], known: tuple[str, ...], source: str, prefix: str) -> None:
    unknown = sorted(set(data) - set(known))
    if unknown:
        near = _near(prefix + unknown[0], [prefix + k for k in known])
        raise ConfigError(f"{source}: unknown key '{prefix}{unknown[0]}'{near}; "
                          f"known keys: {', '.join(prefix + k for k in known)}")


def _apply(data: Mapping[str, Any], source: str, rules: Mapping[str, Rule],
           severities: dict[str, Severity], options: dict[str, dict[str, Any]],
           default_extends: tuple[str, ...] = ()) -> None:
    extends = data.get("extends", list(default_extends))
    for preset in _list(extends, source, "extends"):
        try:
            chosen = preset_severities(preset)
        except ConfigError as exc:
            raise ConfigError(f"{source}: extends: {exc}") from None
        for rule_id, severity in chosen.items():
            severities[rule_id] = severity
    for rule_id, value in _table(data.get("rules", {}), source, "rules").items():
        if rule_id not in rules:
            near = _near(rule_id, rules)
            raise ConfigError(f"{source}: rules: unknown rule {rule_id!r}{near}; "
                              "`isobpmn validate --list-rules` lists them")
        if isinstance(value, Mapping):
            value = dict(value)
            word = value.pop("severity", None)
            defaults = rules[rule_id].options
            for key, option in value.items():
                if key not in defaults:
                    known = ", ".join(["severity", *sorted(defaults)])
                    raise ConfigError(f"{source}: rules.{rule_id}: unknown option {key!r} "
                                      f"(known: {known})")
                options[rule_id][key] = _option(option, defaults[key], f"{source}: rules.{rule_id}.{key}")
            if word is None:
                if severities[rule_id] is Severity.OFF:
                    severities[rule_id] = rules[rule_id].severity
                continue
            where = f"rules.{rule_id}.severity"
        else:
            word, where = value, f"rules.{rule_id}"
        if isinstance(word, bool) or not isinstance(word, str | int):
            raise ConfigError(f"{source}: {where}: expected off, info, warn or error, got {word!r}")
        try:
            severities[rule_id] = Severity.parse(word)
        except ValueError as exc:
            raise ConfigError(f"{source}: {where}: {exc}") from None


def _option(value: Any, default: Any, where: str) -> Any:
    """``value`` checked against the type of the rule's ``default`` (and converted to it)."""
    if default is None:
        return value
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, int):
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif isinstance(default, float):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif isinstance(default, list | tuple | set | frozenset):
        element = type(next(iter(default))) if default else None
        ok = isinstance(value, list) and (element is None or all(
            isinstance(v, element) and not (isinstance(v, bool) and element is not bool)
            for v in value))
        if ok:
            value = type(default)(value)
        else:
            kind = f"a list of {element.__name__}" if element else "a list"
            raise ConfigError(f"{where} must be {kind}, got {value!r}")
    elif isinstance(default, Mapping):
        ok = isinstance(value, Mapping)
    else:
        ok = isinstance(value, type(default))
    if not ok:
        raise ConfigError(f"{where} must be a {type(default).__name__}, got {value!r}")
    return value


def _overrides(data: Mapping[str, Any], source: str) -> list[Mapping[str, Any]]:
    value = data.get("overrides", [])
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise ConfigError(f"{source}: overrides must be a list of tables ([[overrides]])")
    return value


def _matching_overrides(data: Mapping[str, Any], source: str, file: Path | None,
                        root: Path | None) -> tuple[int, ...]:
    """Indexes of the overrides whose ``files`` match ``file``; checks every override's shape."""
    matched = []
    for index, override in enumerate(_overrides(data, source)):
        _known_keys(override, OVERRIDE_KEYS, source, f"overrides[{index}].")
        patterns = _list(override.get("files", []), source, f"overrides[{index}].files")
        if not patterns:
            raise ConfigError(f"{source}: overrides[{index}] needs files = [\"glob\", …]")
        if file is not None and _matches(file, root, patterns):
            matched.append(index)
    return tuple(matched)


def _matches(file: Path, root: Path | None, patterns: list[str]) -> bool:
    """Whether ``file``, relative to the config's directory, matches one of the globs."""
    absolute = file.resolve()
    try:
        text = absolute.relative_to(root.resolve()).as_posix() if root else file.as_posix()
    except ValueError:  # a file outside the config's directory (--config elsewhere)
        text = absolute.as_posix()
    return any(glob_regex(p).fullmatch(text) for p in patterns)


def _docs_url(value: Any, source: str) -> str:
    if value == "":
        return ""
    if not isinstance(value, str) or "{id}" not in value:
        raise ConfigError(f"{source}: docs_url must be a string containing {{id}}, "
                          f"e.g. \"https://example.org/isobpmn/rules/{{id}}.md\"; got {value!r}")
    try:
        value.format(id="x")
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigError(f"{source}: docs_url {value!r}: only {{id}} may be substituted "
                          f"({type(exc).__name__}: {exc})") from None
    return value


def _list(value: Any, source: str, key: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{source}: {key} must be a list of strings, got {value!r}")
    return value


def _table(value: Any, source: str, key: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{source}: {key} must be a table, got {value!r}")
    return value


def closest(name: str, known) -> str | None:
    """The known word nearest to a misspelt ``name`` (for "did you mean" hints), if any."""
    import difflib

    match = difflib.get_close_matches(name, sorted(known), n=1)
    return match[0] if match else None


def _near(name: str, known) -> str:
    match = closest(name, known)
    return f" (did you mean {match!r}?)" if match else ""


# --- finding the file -------------------------------------------------------------------------

_Raw = tuple[Mapping[str, Any], str, Path | None]


class ConfigFinder:
    """Finds the config file that applies to each validated file, searching upward.

    Caches per directory and per distinct effective config, so a library of hundreds of files
    reads each config file once and builds each combination of overrides once. ``preset``
    (``isobpmn validate --preset``) replaces the top-level ``extends`` of whatever config applies.
    """

    def __init__(self, explicit: Path | None = None, preset: str | None = None):
        self.explicit = explicit
        self.preset = preset
        if preset is not None and preset not in PRESETS:
            raise ConfigError(f"--preset: unknown preset {preset!r}; use one of: {', '.join(PRESETS)}")
        self._by_dir: dict[Path, _Raw] = {}
        self._explicit: _Raw | None = None
        self._built: dict[tuple[str, tuple[int, ...]], LintConfig] = {}

    def for_file(self, path: Path) -> LintConfig:
        data, source, root = self._raw(path.parent.resolve())
        key = (source, _matching_overrides(data, source, path, root))
        config = self._built.get(key)
        if config is None:
            config = self._built[key] = build_config(data, source, path, root)
        return config

    def _raw(self, directory: Path) -> _Raw:
        if self.explicit is not None:
            if self._explicit is None:
                data = read_config_file(self.explicit)
                self._explicit = (self._with_preset(data), _label(self.explicit),
                                  self.explicit.resolve().parent)
            return self._explicit
        found = self._by_dir.get(directory)
        if found is not None:
            return found
        result: _Raw | None = None
        for name in CONFIG_NAMES:
            candidate = directory / name
            if candidate.is_file():
                data, present = _read_table(candidate)
                if present:
                    result = (self._with_preset(data), _label(candidate), directory)
                    break
        if result is None:
            if directory.parent != directory:
                result = self._raw(directory.parent)
            else:
                result = (self._with_preset({}), "(defaults)", None)
        self._by_dir[directory] = result
        return result

    def _with_preset(self, data: Mapping[str, Any]) -> Mapping[str, Any]:
        return data if self.preset is None else {**data, "extends": [self.preset]}


def _label(path: Path) -> str:
    return f"{path} {PYPROJECT_TABLE}" if path.name == "pyproject.toml" else str(path)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def _read_table(path: Path) -> tuple[Mapping[str, Any], bool]:
    """The config table of ``path`` and whether it has one (a ``pyproject.toml`` without
    ``[tool.isobpmn.validate]`` has none, and the search goes on upward)."""
    data = _read_toml(path)
    if path.name != "pyproject.toml":
        return data, True
    table: Any = data
    for key in ("tool", "isobpmn", "validate"):
        if key not in table:
            return {}, False
        table = table[key]
        if not isinstance(table, Mapping):
            raise ConfigError(f"{path}: {PYPROJECT_TABLE} must be a table")
    return table, True


def read_config_file(path: Path) -> Mapping[str, Any]:
    """The config table of ``path``: the whole file, or ``[tool.isobpmn.validate]`` of a
    ``pyproject.toml`` (empty when it has none)."""
    return _read_table(path)[0]
