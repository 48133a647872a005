"""Rule documentation pages, generated from each rule's docstring and metadata.

``isobpmn validate --explain RULE`` prints the page; ``make docs`` writes docs/rules/<id>.md;
a test fails when a page is missing, stale, or lacks one of the fixed sections.
"""

from __future__ import annotations

from isobpmn.lint.rule import SECTIONS, Rule


def missing_sections(rule: Rule) -> list[str]:
    return [s for s in SECTIONS if f"## {s}" not in rule.docs]


def rule_page(rule: Rule) -> str:
    presets = ["strict"] + sorted(rule.presets | ({"correctness"} if rule.category == "correctness" else set()))
    lines = [
        f"# {rule.id}",
        "",
        rule.summary + ".",
        "",
        "| category | default severity | presets |",
        "|---|---|---|",
        f"| {rule.category} | {rule.severity.word} | {', '.join(sorted(set(presets)))} |",
        "",
        rule.docs,
    ]
    if rule.options:
        lines += ["", "## Options", "", "| option | default |", "|---|---|"]
        lines += [f"| `{key}` | `{value!r}` |" for key, value in sorted(rule.options.items())]
    return "\n".join(lines).rstrip() + "\n"
