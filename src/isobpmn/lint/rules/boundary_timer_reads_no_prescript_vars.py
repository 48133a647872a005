"""
## What it checks

A timer boundary event does not read a variable that only the `spiffworkflow:preScript` of the
activity it is attached to sets.

## Why it matters

The boundary timer is started together with its activity, from the data the case had *before*
the activity; the preScript then runs on the activity's own copy of the data. A variable that
only the preScript sets is therefore missing when the timer works out its deadline: the case
stops with an error as soon as it reaches the step. (A variable also set earlier is read with
its earlier value, which is why only preScript-only variables are reported.)

## Example

Incorrect: the task "Chờ bổ sung hồ sơ" has the preScript `so_ngay_bo_sung = 30` and its
boundary timer is `calendar_days(so_ngay_bo_sung)`.

Correct: set `so_ngay_bo_sung` in the postScript of the step before ("Thông báo bổ sung"), or
write the number in the timer: `calendar_days(30)`.

## How to fix

Move the assignment to an earlier step (a script task or the postScript of the step before),
or compute the value inside the timer expression itself.
"""

from __future__ import annotations

from isobpmn.lint.rule import rule
from isobpmn.lint.scripts import spiff_script
from isobpmn.model import Activity, Event
from isobpmn.model.expressions import names_assigned, names_read
from isobpmn.model.process import NS_BPMN
from isobpmn.model.types import EventPosition


@rule(id="boundary-timer-reads-no-prescript-vars", category="executability", severity="error",
      summary="A boundary timer reads no variable set only by its activity's preScript",
      presets=("recommended",))
def check(ctx):
    timers = [(node, timer) for _, node in ctx.nodes()
              if isinstance(node, Event) and node.position is EventPosition.BOUNDARY
              and node.attached_to for timer in node.timers if timer.expression.strip()]
    if not timers:
        return
    activities = {el.get("id"): el for el in ctx.tree.iter(f"{{{NS_BPMN}}}*") if el.get("id")}
    # what sets variables: scripts, and the form fields of steps (by the activity they are on)
    setters = [(site.owner_id, names_assigned(site.text)) for site in ctx.code_sites
               if site.is_script]
    setters += [(node.bpmn_id, {f.name for f in node.step_info.fields}) for _, node in ctx.nodes()
                if isinstance(node, Activity) and node.step_info is not None]
    for event, timer in timers:
        activity = activities.get(event.attached_to)
        pre = spiff_script(activity, "preScript") if activity is not None else None
        if pre is None:
            continue
        # the activity's own script, postScript and form come after the timer started, too
        elsewhere = set().union(*(names for owner, names in setters if owner != event.attached_to))
        only_pre = (names_read(timer.expression) & names_assigned("".join(pre.itertext()))) \
            - elsewhere
        if only_pre:
            names = ", ".join(sorted(only_pre))
            yield ctx.report(event.bpmn_id,
                             f"the timer of {ctx.label(event.bpmn_id)} reads {names}, which only "
                             f"the preScript of {ctx.label(event.attached_to)} sets and which "
                             "does not exist yet when the timer starts; set it in an earlier "
                             "step or write the value in the timer", line=timer.line)
