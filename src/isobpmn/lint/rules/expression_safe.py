"""
## What it checks

Every condition and script the engine would run is inside the safe expression subset
(docs/expressions.md): sequence flow conditions, conditional event conditions, loop and
multi-instance conditions, script task scripts and the SpiffWorkflow pre- and post-scripts
(`spiffworkflow:preScript`, `spiffworkflow:postScript`) of any activity.

## Why it matters

Diagrams are uploaded by users and their expressions run on the server. Outside the subset an
expression can read files, start programs or exhaust the server
(`().__class__.__bases__[0].__subclasses__()`, `__import__("os")`, `max(xs, key=eval)`); the
engine refuses such an expression when the case reaches it, which stops the case half-way.
Checking before publishing finds the problem while the diagram is still a draft.

## Example

Incorrect: the condition `ho_so.day_du == True` (attribute access), or the script
`ket_qua = [x for x in thanh_phan]` (a comprehension).

Correct: `ho_so["day_du"] == True`, and `ket_qua = len(thanh_phan) >= 2`.

## How to fix

Rewrite the expression with what docs/expressions.md allows: names, literals, comparisons,
`and`/`or`/`not`, arithmetic, subscripts `x["a"]`, `a if c else b` and the listed functions.
The message names the first problem and the line says where it is.
"""

from __future__ import annotations

from isobpmn.lint.rule import rule
from isobpmn.model.expressions import check_expression, check_script
from isobpmn.model.process import NS_BPMN

DOCS = "docs/expressions.md"


@rule(id="expression-safe", category="executability", severity="error",
      summary="Conditions and scripts stay inside the safe expression subset",
      presets=("recommended",))
def check(ctx):
    for task in ctx.tree.iter(f"{{{NS_BPMN}}}scriptTask"):
        script = task.find(f"{{{NS_BPMN}}}script")
        if script is None or not "".join(script.itertext()).strip():
            yield ctx.report(task.get("id"), f"script task {ctx.label(task.get('id', ''))} has no "
                                             "script; write one or make it another kind of task",
                             line=task.sourceline)
    for site in ctx.code_sites:
        text = site.text
        if not text.strip():
            continue  # nothing runs; an empty script task is reported above
        problems = check_script(text) if site.is_script else check_expression(text)
        if not problems:
            continue
        first = problems[0]
        line = site.element.sourceline
        if line is not None and first.line is not None:
            line += first.line - 1
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        owner = ctx.label(site.owner_id) if site.owner_id else "the file"
        yield ctx.report(site.owner_id, f"the {site.what} of {owner} is outside the safe "
                                        f"subset: {first.message}{more}; see {DOCS}", line=line)
