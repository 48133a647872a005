"""Rule documentation pages, generated from each rule's docstring and metadata.

``isobpmn validate --explain RULE`` prints the page; ``make docs`` writes docs/rules/<id>.md;
a test fails when a page is missing, stale, or lacks one of the fixed sections.
"""

from __future__ import annotations

from isobpmn.lint.rule import SECTIONS, Rule, all_rules


def missing_sections(rule: Rule) -> list[str]:
    return [s for s in SECTIONS if f"## {s}" not in rule.docs]


def presets_of(rule: Rule) -> list[str]:
    """The presets that switch ``rule`` on, sorted (``strict`` switches on every rule)."""
    return sorted({"strict"} | rule.presets | ({"correctness"} if rule.category == "correctness" else set()))


def rule_page(rule: Rule) -> str:
    presets = presets_of(rule)
    lines = [
        f"# {rule.id}",
        "",
        rule.summary + ".",
        "",
        "| category | default severity | presets |",
        "|---|---|---|",
        f"| {rule.category} | {rule.severity.word} | {', '.join(presets)} |",
        "",
        rule.docs,
    ]
    if rule.options:
        lines += ["", "## Options", "", "| option | default |", "|---|---|"]
        lines += [f"| `{key}` | `{value!r}` |" for key, value in sorted(rule.options.items())]
    return "\n".join(lines).rstrip() + "\n"


def section(rule: Rule, name: str) -> str:
    """The text of one ``## name`` section of the rule's documentation (``""`` if absent)."""
    marker = f"## {name}"
    if marker not in rule.docs:
        return ""
    text = rule.docs.split(marker, 1)[1]
    return text.split("\n## ", 1)[0].strip()


#: The page of the pseudo-rule :data:`isobpmn.lint.runner.READABLE`: it has no module (reading
#: happens before any rule runs) and cannot be switched off.
READABLE_PAGE = """# readable-bpmn-file

The file is a BPMN 2.0 XML file the validator can read.

| category | default severity | presets |
|---|---|---|
| correctness | error | always on |

## What it checks

The file exists and can be read; it is at most 10 MB; it is UTF-8 (or another ASCII-compatible
encoding) XML, well-formed, without a DOCTYPE or ENTITY declaration; its root element is
`bpmn:definitions` in the BPMN 2.0 model namespace.

## Why it matters

Nothing else can be checked in a file that cannot be read. DOCTYPE and ENTITY declarations are
refused outright because they are how XML files read other files (XXE) or exhaust memory
(entity expansion bombs); BPMN has no use for them.

## Example

Incorrect: a file cut off in the middle of an element, an SVG export saved as `.bpmn`, a diagram
saved as UTF-16, or one that starts with `<!DOCTYPE definitions [ <!ENTITY …> ]>`.

Correct: the file as saved by the isobpmn modeler, bpmn.io or Camunda Modeler.

## How to fix

Open the file in the modeler and save it again; remove any DOCTYPE; split a diagram above 10 MB.
The message gives the line (and column) where reading stopped.
"""


def explain(rule_id: str) -> str | None:
    """The page ``isobpmn validate --explain`` prints, or ``None`` for an unknown id."""
    from isobpmn.lint.runner import READABLE

    if rule_id == READABLE:
        return READABLE_PAGE
    rule = all_rules().get(rule_id)
    return rule_page(rule) if rule else None


def presets_table() -> str:
    """Which preset switches on which rule, as a Markdown table (docs/validate.md)."""
    from isobpmn.lint.config import PRESETS

    lines = ["| rule | category | severity | " + " | ".join(PRESETS) + " |",
             "|---|---|---|" + "---|" * len(PRESETS)]
    for rule in all_rules().values():
        on = presets_of(rule)
        marks = " | ".join("✓" if p in on else "" for p in PRESETS)
        lines.append(f"| [`{rule.id}`](rules/{rule.id}.md) | {rule.category} | "
                     f"{rule.severity.word} | {marks} |")
    return "\n".join(lines) + "\n"
