"""The validator: BPMN correctness, executability and ISO documentation rules.

Pure checks over :mod:`isobpmn.model`; it reads no files itself beyond what ``lint_file`` is
handed, and imports no Flask, SQLAlchemy, SpiffWorkflow, Jinja2 or click, so the CLI, CI and
the modeler's live lint all run the same code fast.
"""

from isobpmn.lint.config import ConfigError, ConfigFinder, LintConfig, build_config, default_config
from isobpmn.lint.context import Library, LintContext
from isobpmn.lint.finding import Finding, Severity
from isobpmn.lint.rule import Report, Rule, all_rules, rule
from isobpmn.lint.runner import READABLE, lint_bytes, lint_document, lint_file

__all__ = [
    "READABLE", "ConfigError", "ConfigFinder", "Finding", "Library", "LintConfig", "LintContext",
    "Report", "Rule", "Severity", "all_rules", "build_config", "default_config", "lint_bytes",
    "lint_document", "lint_file", "rule",
]
