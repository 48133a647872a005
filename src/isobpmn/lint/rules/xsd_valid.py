"""
## What it checks

The file is valid against the BPMN 2.0 XML Schema (the OMG's `BPMN20.xsd`, the copy shipped
with the engine, SpiffWorkflow): elements in the order and places the standard allows, required
attributes present, values of the right type. Extension elements (`iso:`, `spiffworkflow:`) are
not checked here; `iso-extension-valid` checks the `iso` ones. When the schema files cannot be
found the check is skipped with one information finding that says why.

## Why it matters

Modelers and engines read only what the standard describes. A file that breaks the schema may
open in one tool and be refused, or silently changed, by the next, and the archive copy of a
procedure must stay readable by any BPMN tool for years.

## Example

Incorrect: `<bpmn:process id="QT_01" isExecutable="yes">` (a boolean is `true` or `false`),
`<bpmn:userTask id="1a">` (an id must not start with a digit), or a task's `bpmn:outgoing`
written before its `bpmn:incoming`.

Correct: `isExecutable="true"`, ids such as `Task_1a`, and the order the modeler writes.

## How to fix

Follow the message and its line. Files saved by a BPMN modeler are valid; errors usually come
from hand edits or scripts: move the element to where the message expects it, or correct the
value.
"""

from __future__ import annotations

import importlib.util
import re
import threading
from functools import lru_cache
from pathlib import Path

from lxml import etree

from isobpmn.lint.finding import Severity
from isobpmn.lint.rule import rule

#: At most this many schema errors are reported one by one; the rest are counted.
MAX_ERRORS = 50
_QNAME = re.compile(r"\{([^}]*)\}([A-Za-z_][\w.-]*)")
_LOCK = threading.Lock()  # one validation at a time: a schema's error log is shared state


@lru_cache(maxsize=1)
def bpmn_schema() -> etree.XMLSchema | str:
    """The BPMN 2.0 schema shipped inside the installed SpiffWorkflow package, loaded once per
    process (about 10 ms); a sentence saying why not if it cannot be loaded.
    The package is located, never imported: the validator stays free of the engine."""
    try:
        spec = importlib.util.find_spec("SpiffWorkflow")
    except (ImportError, ValueError) as exc:
        return f"the SpiffWorkflow package cannot be located ({exc})"
    if spec is None or not spec.submodule_search_locations:
        return "the SpiffWorkflow package, which ships the BPMN 2.0 schema, is not installed"
    package = Path(list(spec.submodule_search_locations)[0])
    path = package / "bpmn" / "parser" / "schema" / "BPMN20.xsd"
    if not path.is_file():
        return f"the BPMN 2.0 schema is missing from the SpiffWorkflow package ({path})"
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        return etree.XMLSchema(etree.parse(str(path), parser))
    except (OSError, etree.XMLSyntaxError, etree.XMLSchemaParseError) as exc:
        return f"the BPMN 2.0 schema at {path} cannot be read ({exc})"


def _clean(message: str, prefixes: dict[str, str]) -> str:
    """libxml2's message with ``{namespace}name`` written as ``prefix:name``."""
    def short(match: re.Match) -> str:
        prefix = prefixes.get(match[1])
        return f"{prefix}:{match[2]}" if prefix else match[2]

    text = " ".join(_QNAME.sub(short, message).split()).rstrip(".")
    text = text.replace("This element is not expected.", "this element is not allowed here,")
    text = re.sub(r"Expected is one of \( (.*) \)", r"expected one of: \1", text)
    text = re.sub(r"Expected is \( (.*) \)", r"expected: \1", text)
    match = re.match(r"Element '([^']+)'(?:, attribute '([^']+)')?: (.*)", text)
    if match is None:
        return text
    element, attribute, rest = match.groups()
    rest = rest[:1].lower() + rest[1:]
    if attribute and not rest.startswith("the attribute"):
        return f"{element} attribute {attribute}: {rest}"
    return f"{element}: {rest}"


def _owner_at(root: etree._Element, lines: set[int]) -> dict[int, str | None]:
    """For each line, the id of the first element starting there or of its nearest ancestor
    with an id: the element a finding is about (and can be suppressed on)."""
    owners: dict[int, str | None] = {}
    for el in root.iter():
        line = el.sourceline
        if line in lines and line not in owners:
            while el is not None and el.get("id") is None:
                el = el.getparent()
            owners[line] = el.get("id") if el is not None else None
    return owners


@rule(id="xsd-valid", category="correctness", severity="error",
      summary="The file is valid against the BPMN 2.0 XML Schema",
      presets=("recommended",))
def check(ctx):
    schema = bpmn_schema()
    if isinstance(schema, str):
        yield ctx.report(None, f"the check against the BPMN 2.0 schema was skipped: {schema}; "
                               "reinstall isobpmn with its dependencies",
                         severity=Severity.INFO)
        return
    with _LOCK:
        schema.validate(ctx.tree)
        errors = [(e.line, e.message) for e in schema.error_log]
    if not errors:
        return
    prefixes = {uri: prefix for prefix, uri in ctx.tree.nsmap.items() if prefix}
    owners = _owner_at(ctx.tree, {line for line, _ in errors[:MAX_ERRORS]})
    for line, message in errors[:MAX_ERRORS]:
        yield ctx.report(owners.get(line), f"not valid BPMN 2.0: {_clean(message, prefixes)}; "
                                           "correct it as the schema expects", line=line or None)
    if len(errors) > MAX_ERRORS:
        yield ctx.report(None, f"{len(errors) - MAX_ERRORS} more schema errors are not shown; "
                               "correct the ones above first", line=errors[MAX_ERRORS][0] or None)
