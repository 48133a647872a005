"""Validator configuration: presets, per-rule severity and options, overrides, catalogues.

Read from ``.isobpmnrc`` (TOML) or ``[tool.isobpmn.validate]`` in ``pyproject.toml``, found by
searching upward from each validated file (docs/validate.md). Presets are data derived from the
rules' own metadata, so ``strict`` ("all") cannot drift from the rule list.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any

from isobpmn.lint.finding import Severity
from isobpmn.lint.rule import Rule, all_rules, load_plugin

PRESETS = ("correctness", "recommended", "strict", "tthc")
DEFAULT_EXTENDS = ("recommended",)
CONFIG_NAMES = (".isobpmnrc", "pyproject.toml")
DEFAULT_CODE_PATTERN = r"^QT-[A-Z0-9]+(-[A-Z0-9]+)*$"
_TOP_KEYS = {"extends", "rules", "overrides", "catalogue", "document", "plugins", "root"}


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

    def setting(self, rule_id: str) -> RuleSetting:
        return self.rules[rule_id]


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
    """The effective config of ``data`` (a parsed config table) for ``file`` under ``root``."""
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise ConfigError(f"{source}: unknown key {sorted(unknown)[0]!r}; "
                          f"known keys: {', '.join(sorted(_TOP_KEYS))}")
    for plugin in _list(data.get("plugins", []), source, "plugins"):
        try:
            load_plugin(plugin)
        except ImportError as exc:
            raise ConfigError(f"{source}: plugins: cannot import {plugin!r}: {exc}") from None
    rules = all_rules()
    severities: dict[str, Severity] = {rule_id: Severity.OFF for rule_id in rules}
    options: dict[str, dict[str, Any]] = {rule_id: dict(r.options) for rule_id, r in rules.items()}
    _apply(data, source, rules, severities, options, DEFAULT_EXTENDS)
    for index, override in enumerate(_overrides(data, source)):
        patterns = _list(override.get("files"), source, f"overrides[{index}].files")
        if not patterns:
            raise ConfigError(f"{source}: overrides[{index}] needs files = [\"glob\", …]")
        if file is not None and _matches(file, root, patterns):
            where = f"{source}: overrides[{index}]"
            extra = set(override) - {"files", "extends", "rules"}
            if extra:
                raise ConfigError(f"{where}: unknown key {sorted(extra)[0]!r}; "
                                  "an override takes files, extends and rules")
            _apply(override, where, rules, severities, options)
    catalogue_data = _table(data.get("catalogue", {}), source, "catalogue")
    catalogue = Catalogue(
        roles=frozenset(_list(catalogue_data.get("roles", []), source, "catalogue.roles")),
        forms=frozenset(_list(catalogue_data.get("forms", []), source, "catalogue.forms")),
    )
    document = _table(data.get("document", {}), source, "document")
    pattern = document.get("code_pattern", DEFAULT_CODE_PATTERN)
    try:
        re.compile(pattern)
    except (re.error, TypeError) as exc:
        raise ConfigError(f"{source}: document.code_pattern {pattern!r} is not a regular "
                          f"expression: {exc}") from None
    settings = {rid: RuleSetting(severities[rid], MappingProxyType(options[rid])) for rid in rules}
    return LintConfig(MappingProxyType(settings), catalogue, pattern, source)


def _apply(data: Mapping[str, Any], source: str, rules: Mapping[str, Rule],
           severities: dict[str, Severity], options: dict[str, dict[str, Any]],
           default_extends: tuple[str, ...] = ()) -> None:
    extends = data.get("extends", list(default_extends))
    if isinstance(extends, str):
        extends = [extends]
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
                    known = ", ".join(sorted(defaults)) or "none"
                    raise ConfigError(f"{source}: rules.{rule_id}: unknown option {key!r} "
                                      f"(options: {known})")
                if not isinstance(option, type(defaults[key])) and not (
                        isinstance(defaults[key], float) and isinstance(option, int)):
                    raise ConfigError(f"{source}: rules.{rule_id}.{key} must be a "
                                      f"{type(defaults[key]).__name__}, got {option!r}")
                options[rule_id][key] = option
            if word is None:
                if severities[rule_id] is Severity.OFF:
                    severities[rule_id] = rules[rule_id].severity
                continue
        else:
            word = value
        try:
            severities[rule_id] = Severity.parse(word)
        except ValueError as exc:
            raise ConfigError(f"{source}: rules.{rule_id}: {exc}") from None


def _overrides(data: Mapping[str, Any], source: str) -> list[Mapping[str, Any]]:
    value = data.get("overrides", [])
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise ConfigError(f"{source}: overrides must be a list of tables ([[overrides]])")
    return value


def _matches(file: Path, root: Path | None, patterns: list[str]) -> bool:
    try:
        relative = file.resolve().relative_to(root.resolve()) if root else file
    except ValueError:
        relative = file
    text = PurePosixPath(relative.as_posix()).as_posix()
    return any(fnmatch.fnmatch(text, p) or PurePosixPath(text).match(p) for p in patterns)


def _list(value: Any, source: str, key: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{source}: {key} must be a list of strings")
    return value


def _table(value: Any, source: str, key: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{source}: {key} must be a table")
    return value


def _near(name: str, rules: Mapping[str, Rule]) -> str:
    import difflib

    match = difflib.get_close_matches(name, list(rules), n=1)
    return f" (did you mean {match[0]!r}?)" if match else ""


# --- finding the file -------------------------------------------------------------------------


class ConfigFinder:
    """Finds and caches the config file that applies to each validated file."""

    def __init__(self, explicit: Path | None = None):
        self.explicit = explicit
        self._by_dir: dict[Path, tuple[Mapping[str, Any], str, Path | None]] = {}

    def for_file(self, path: Path) -> LintConfig:
        data, source, root = self._raw(path.parent.resolve())
        return build_config(data, source, path, root)

    def _raw(self, directory: Path) -> tuple[Mapping[str, Any], str, Path | None]:
        if self.explicit is not None:
            key = Path("/explicit")
            if key not in self._by_dir:
                self._by_dir[key] = (read_config_file(self.explicit), str(self.explicit),
                                     self.explicit.resolve().parent)
            return self._by_dir[key]
        if directory in self._by_dir:
            return self._by_dir[directory]
        result: tuple[Mapping[str, Any], str, Path | None] = ({}, "(defaults)", None)
        for name in CONFIG_NAMES:
            candidate = directory / name
            if candidate.is_file():
                data = read_config_file(candidate)
                if name == ".isobpmnrc" or data:
                    result = (data, str(candidate), directory)
                    break
        else:
            if directory.parent != directory:
                result = self._raw(directory.parent)
        self._by_dir[directory] = result
        return result


def read_config_file(path: Path) -> Mapping[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        return data.get("tool", {}).get("isobpmn", {}).get("validate", {})
    return data
